package io.tiergate.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tiergate.security.ManagementContextCapture.ManagementContext;
import io.tiergate.security.RawHttp.Reply;
import io.tiergate.security.ServedRoutes.Route;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.FreePort;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient.Response;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The health probes' path: keyed providers are probed (every 10 s of the test's clock) while they fail in every
 * way, including answers that echo their keys in an HTTP body, in a JSON-RPC error for eth_blockNumber, and as
 * the "chain id" itself. Probe failure reasons flow into health lastError, DOWN transitions in the log, the admin
 * views and the Actuator details: all of those, the Prometheus scrape and every client answer meanwhile are
 * scanned for the keys (as written, encoded, and by their letters-and-digits body).
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(ManagementContextCapture.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeSecretHygieneIT extends GatewayTest {

    static final String PROBE_KEY = "pR0bEkEy7Qx2Lm9Zt4Wv";
    static final String PROBE_BEARER = "pB3aReR8yK1zQ6mX2cV9+/=";
    static final String PROBE_X_KEY = "pX5aPiK2eY8wQ3rT7yU1";
    static final String PROBE_PATH_KEY = "pP4aThK9eY2nM7bV5cX8z";
    static final String PROBE_QUERY_KEY = "pQ6uErY1kE4yH8jG3fD7s";
    static final String REFUSED_KEY = "pF2rEfU5sEd8kE1yW4q";
    static final String ADMIN_TOKEN = "probe-Lq2Wm7Xn4Rt9Ys1Zu6Vo3Kp8Jh";
    static final Duration INTERVAL = Duration.ofSeconds(10);
    /** One interval plus the largest jitter and a margin: every provider is due after it. */
    static final Duration ROUND = Duration.ofSeconds(12);

    static final SecretScan SECRETS = new SecretScan(
            "api-key", PROBE_KEY, "Authorization header", PROBE_BEARER, "X-Api-Key header", PROBE_X_KEY,
            "key in url path", PROBE_PATH_KEY, "key in url query", PROBE_QUERY_KEY, "api-key (refusing provider)",
            REFUSED_KEY, "admin token", ADMIN_TOKEN);

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final AnvilNode anvil = AnvilNode.start();
    static final int DEAD_PORT = FreePort.next();
    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .notifier(new SecretHygieneIT.SilentNotifier()));

    /** A keyed WireMock provider: its path and the secrets it could echo. */
    record Keyed(String pathRegex, String... secrets) {
        String echo() {
            return String.join(" ", secrets);
        }
    }

    static final List<Keyed> KEYED = List.of(
            new Keyed("/pk/.*", PROBE_KEY, PROBE_BEARER, PROBE_X_KEY),
            new Keyed("/pd/.*", PROBE_PATH_KEY, PROBE_QUERY_KEY));

    static {
        wm.start();
        stubAll(k -> healthy());
    }

    static final String RESTING = "(resting after a rate limit)";
    static final String HEALTHY = "(UP)";

    /** A way for the keyed stubs to fail probes, and what the admin view's lastError then shows. */
    record Fault(String name, String marker, Function<Keyed, ResponseDefinitionBuilder> stub) {
    }

    static final StringBuffer LOGS = new StringBuffer();
    static final List<String> SEEN = new ArrayList<>();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        registry.add("tiergate.admin.tokens.default", () -> ADMIN_TOKEN);
        TestNetwork.named("ethereum")
                .tier("keyed",
                        TestNetwork.provider("probe_keyed", wm.baseUrl() + "/pk/{api-key}").set("api-key", PROBE_KEY)
                                .set("headers.Authorization", "Bearer " + PROBE_BEARER).set("headers.X-Api-Key", PROBE_X_KEY)
                                .set("timeout", "2s"),
                        TestNetwork.provider("probe_direct", wm.baseUrl() + "/pd/" + PROBE_PATH_KEY + "?key=" + PROBE_QUERY_KEY)
                                .set("timeout", "2s"),
                        TestNetwork.provider("probe_refused", "http://127.0.0.1:" + DEAD_PORT + "/v3/{api-key}")
                                .set("api-key", REFUSED_KEY))
                .tier("backup", TestNetwork.provider("backup_anvil", anvil.url()))
                .set("chain-id", "31337")
                .set("health-check-interval", INTERVAL.toSeconds() + "s")
                .set("max-failures", "2")
                .set("circuit-breaker.open-duration", "1s")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    ManagementContext management;

    @AfterEach
    void keepOutput(CapturedOutput output) {
        LOGS.append(output.getAll());
    }

    @Test
    @Order(1)
    void probesThatFailInEveryWayRecordReasonsWithoutTheKeys() {
        List<Fault> faults = List.of(
                new Fault("HTTP 500", "probe got HTTP 500",
                        k -> aResponse().withStatus(500).withBody("<html>error at " + k.echo() + "</html>")),
                new Fault("HTTP 401", "probe got HTTP 401", k -> aResponse().withStatus(401)
                        .withBody("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32002,\"message\":\"invalid key " + k.echo() + "\"}}")),
                new Fault("no head block", "probe got no head block: error -32000 unauthorized",
                        k -> json("[{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"unauthorized " + k.echo()
                                + "\"}},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":false},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x7a69\"}]")),
                new Fault("id-less error", "probe got no head block: no answer",
                        k -> json("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"unauthorized " + k.echo() + "\"}}")),
                // The providers are DOWN by now, so the probe asks for the chain id again.
                new Fault("no chain id", "probe got no chain id",
                        k -> json("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10\"},{\"jsonrpc\":\"2.0\",\"id\":2,"
                                + "\"result\":false},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"" + k.echo() + "\"}]")),
                new Fault("syncing answer", "no sync status",
                        k -> json("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":"
                                + "{\"code\":-32000,\"message\":\"no sync status for " + k.echo() + "\"}},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x7a69\"}]")),
                new Fault("HTML page", "HTML instead of JSON", k -> aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/html").withBody("<!doctype html><p>" + k.echo() + "</p>")),
                new Fault("timeout", "timeout", k -> healthy().withFixedDelay(3_000)),
                new Fault("connection reset", "connection",
                        k -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)),
                new Fault("JSON-RPC rate limit", RESTING, k -> json("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32005,"
                        + "\"message\":\"rate limit exceeded for " + k.echo() + "\"}}")));
        for (Fault fault : faults) {
            stubAll(fault.stub());
            probeRound(fault.name(), fault.marker());
            // Client traffic meanwhile (the keyed stubs answer it with probe-shaped bodies or faults): scanned at the end.
            Response answer = rpc(request(1, "eth_chainId", "[]"));
            SEEN.add(fault.name() + ": " + answer.status() + " " + answer.headers().map() + " " + answer.body());
            assertThat(answer.status()).as(fault.name() + ": " + answer.body()).isIn(200, 503);
        }
        // Between faults the providers went DOWN and back UP, the transitions logged with their reasons.
        // The last fault was a rate limit: the providers rest (and are not probed) until the backoff is over.
        stubAll(k -> healthy());
        clock.advance(Duration.ofMinutes(20));
        probeRound("recovery", HEALTHY);
    }

    @Test
    @Order(2)
    void noSecretAppearsOnAnySurfaceAfterFailingProbes(CapturedOutput output) {
        Map<String, String> surfaces = new LinkedHashMap<>();
        String logs = LOGS + output.getAll();
        surfaces.put("application output (logs at DEBUG)", logs);
        surfaces.put("Prometheus scrape", admin("/actuator/prometheus").body());
        for (String path : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/tiergate",
                "/actuator/health/tiergate/ethereum", "/actuator/health/tiergate/ethereum/keyed")) {
            surfaces.put("GET " + path, RawHttp.send(managementPort, "GET", path, null).everything());
        }
        for (Route route : ServedRoutes.of(management.servedRoutes())) {
            if (route.method() != null && route.method().name().equals("GET") && route.pattern().startsWith("/admin")) {
                for (String name : List.of("probe_keyed", "probe_direct", "probe_refused")) {
                    String path = route.path(Map.of("network", "ethereum", "name", name));
                    surfaces.putIfAbsent("GET " + path, admin(path).everything());
                }
            }
        }
        surfaces.put("client answers", String.join("\n", SEEN));
        SoftAssertions soft = new SoftAssertions();
        surfaces.forEach((surface, text) -> SECRETS.check(soft, surface, text));
        soft.assertAll();

        // Positive controls: the failures did reach the surfaces, masked.
        assertThat(logs).contains("Probe of probe_keyed").contains("-> DOWN").contains("probe got no head block: error -32000 unauthorized ***")
                .contains("probe got no chain id: \"*** *** ***\"").contains("probe_refused");
        assertThat(surfaces.get("GET /actuator/health/tiergate/ethereum/keyed")).contains("probe_direct").contains("/pd/***?***");
    }

    @Test
    @Order(3)
    void theProbesDidCarryTheSecretsUpstream() {
        List<String> urls = new ArrayList<>();
        List<String> authorizations = new ArrayList<>();
        for (ServeEvent event : wm.getAllServeEvents()) {
            urls.add(event.getRequest().getUrl());
            authorizations.add(event.getRequest().getHeader("Authorization"));
        }
        assertThat(urls).contains("/pk/" + PROBE_KEY, "/pd/" + PROBE_PATH_KEY + "?key=" + PROBE_QUERY_KEY);
        assertThat(authorizations).contains("Bearer " + PROBE_BEARER);
    }

    // --- helpers ---

    /**
     * Moves the clock one interval on and waits until both keyed providers were probed again and their admin view
     * shows the outcome: {@code marker} in lastError, or resting after a rate limit, or UP.
     */
    private void probeRound(String what, String marker) {
        long keyed = probes("/pk/.*");
        long direct = probes("/pd/.*");
        clock.advance(ROUND);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (probes("/pk/.*") <= keyed || probes("/pd/.*") <= direct
                || !shows("probe_keyed", marker) || !shows("probe_direct", marker)) {
            assertThat(System.nanoTime()).as("both keyed providers probed and showing '" + marker + "' after " + what)
                    .isLessThan(deadline);
            pause();
        }
    }

    private boolean shows(String provider, String marker) {
        JsonNode view = JSON.readTree(admin("/admin/networks/ethereum/providers/" + provider).body());
        return switch (marker) {
            case RESTING -> !view.path("rateLimitedUntil").isNull();
            case HEALTHY -> view.path("health").asString().equals("UP");
            default -> view.path("lastError").asString("").contains(marker);
        };
    }

    private static long probes(String pathRegex) {
        return wm.countRequestsMatching(postRequestedFor(urlPathMatching(pathRegex)).build()).getCount();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ResponseDefinitionBuilder healthy() {
        return json("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":false},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x7a69\"}]");
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static void stubAll(Function<Keyed, ResponseDefinitionBuilder> response) {
        wm.resetMappings();
        for (Keyed keyed : KEYED) {
            wm.stubFor(any(urlPathMatching(keyed.pathRegex())).willReturn(response.apply(keyed)));
        }
        wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(404)));
    }

    private Reply admin(String path) {
        Reply reply = RawHttp.send(managementPort, "GET", path, null, "Authorization: Bearer " + ADMIN_TOKEN);
        assertThat(reply.status()).as(path + ": " + reply.body()).isIn(200, 503);
        return reply;
    }

}
