package io.tiergate.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
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
import java.util.Collections;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Provider credentials (an API key filled into the URL, a key written straight into the URL path and query, a URL
 * password, Authorization and X-Api-Key headers, and the same for providers added through the admin API) never
 * show anywhere a client or an operator can look. The keyed providers are WireMock stubs that fail in every way
 * the gateway knows (refused connections, resets, timeouts, 500, 429, 401/403 whose bodies echo the key, JSON-RPC
 * errors whose message or data echo the key, HTML pages echoing the URL), behind which an anvil node answers for
 * the default network and nothing does for {@code keyedonly}. The first tests drive that traffic and check each
 * answer at once; the last one reads every surface (all application output at DEBUG, the Prometheus scrape,
 * every Actuator health path, every admin read route for every provider, every answer collected) and looks for
 * each secret as written, percent-encoded, JSON-escaped, in Base64 and by its letters-and-digits body. WireMock's
 * journal shows the secrets did go upstream, so their absence elsewhere is not an accident of configuration.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(ManagementContextCapture.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretHygieneIT extends GatewayTest {

    static final String URL_KEY = "uK7fQ2xZ9pLm4RtW8vBn+Ke=";
    static final String PATH_KEY = "pA3sKeyJ8dN5wQ1zX6cV0bM2";
    static final String QUERY_KEY = "qS9rT4uV7wX2yZ5aB8cD1eF+g=";
    static final String URL_PASSWORD = "uP4ssW0rdH7jK2lM9nBq";
    static final String BEARER = "bT6yU1iO8pA3sD5fG2hJ4kL+/=";
    static final String X_API_KEY = "xA9pI2kE7yQ4wR1tY6uI3oP";
    static final String REFUSED_KEY = "rF5dK8eY2jH9gT4vC1xZ7bN";
    static final String REFUSED_HEADER = "rH3eA6dE9rV2aL5uE8kQ";
    static final String ADDED_KEY = "aD3dK9eY6pR2vQ8wZ5xC1mN";
    static final String ADDED_BEARER = "aB7eA2rE9rT4oK1eN6sQ";
    static final String ADDED_PATH_KEY = "aP1aThK4eY7iN2pA9tH5wZ";
    static final String ADDED_QUERY_KEY = "aQ8uErY3kE6yT1oK4eNz";
    static final String REJECTED_KEY = "jR4eJ7eC2tE9dK5eY1xW";
    static final String ADMIN_TOKEN = "hyg-Zk3Lm8Qp2Rs7Tv1Wx4Yz9Ab6Cd0Ef5G";
    /** The keyed stubs' timeout; the backup node keeps the default (5 s), so a loaded machine does not fail it. */
    static final String KEYED_TIMEOUT = "500ms";

    /** What the gateway sends for the URL's user info: Authorization: Basic base64("tguser:" + password). */
    static final String URL_BASIC = java.util.Base64.getEncoder().encodeToString(("tguser:" + URL_PASSWORD).getBytes());

    static final SecretScan SECRETS = new SecretScan("url user info as Basic credentials", URL_BASIC,
            "api-key (url)", URL_KEY, "key in url path", PATH_KEY, "key in url query", QUERY_KEY,
            "url password", URL_PASSWORD, "Authorization header", BEARER, "X-Api-Key header", X_API_KEY,
            "api-key (refusing provider)", REFUSED_KEY, "header (refusing provider)", REFUSED_HEADER,
            "api-key (added)", ADDED_KEY, "Authorization header (added)", ADDED_BEARER,
            "key in url path (added)", ADDED_PATH_KEY, "key in url query (added)", ADDED_QUERY_KEY,
            "api-key (rejected add)", REJECTED_KEY, "admin token", ADMIN_TOKEN);

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final AnvilNode anvil = AnvilNode.start();
    static final int DEAD_PORT = FreePort.next();
    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            // WireMock runs in this JVM: its own console output (unmatched requests print their URL) is not ours to scan.
            .notifier(new SilentNotifier()));

    static {
        wm.start();
    }

    /** A keyed WireMock provider: where it listens and the secrets it could echo. */
    record Keyed(String pathRegex, String... secrets) {
        String echo() {
            return String.join(" ", secrets);
        }
    }

    static final List<Keyed> KEYED = List.of(
            new Keyed("/v3/.*", URL_KEY),
            new Keyed("/direct/.*", PATH_KEY, QUERY_KEY),
            new Keyed("/hdr", BEARER, X_API_KEY),
            new Keyed("/ui", URL_PASSWORD, URL_BASIC),
            new Keyed("/added/.*", ADDED_KEY, ADDED_BEARER),
            new Keyed("/added2/.*", ADDED_PATH_KEY, ADDED_QUERY_KEY));

    /**
     * The application's output of every test so far. Each test's capture holds the start-up output and its own
     * (Boot's nested captures do not feed each other), so it is kept after each test and scanned at the end.
     */
    static final StringBuffer LOGS = new StringBuffer();

    /** Every answer a client or an operator got, scanned again at the end. */
    static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tiergate.admin.tokens.default", () -> ADMIN_TOKEN);
        for (String network : List.of("ethereum", "keyedonly")) {
            TestNetwork net = TestNetwork.named(network);
            TestNetwork.ProviderSpec[] keyed = {
                TestNetwork.provider("keyed_url", wm.baseUrl() + "/v3/{api-key}").set("api-key", URL_KEY).set("timeout", KEYED_TIMEOUT),
                TestNetwork.provider("keyed_direct", wm.baseUrl() + "/direct/" + PATH_KEY + "/rpc?apikey=" + QUERY_KEY + "&chain=1").set("timeout", KEYED_TIMEOUT),
                TestNetwork.provider("keyed_header", wm.baseUrl() + "/hdr")
                        .set("headers.Authorization", "Bearer " + BEARER).set("headers.X-Api-Key", X_API_KEY)
                        .set("timeout", KEYED_TIMEOUT),
                TestNetwork.provider("keyed_userinfo", "http://tguser:" + URL_PASSWORD + "@127.0.0.1:" + wm.port() + "/ui").set("timeout", KEYED_TIMEOUT),
                TestNetwork.provider("keyed_refused", "http://127.0.0.1:" + DEAD_PORT + "/v2/{api-key}")
                        .set("api-key", REFUSED_KEY).set("headers.X-Api-Key", REFUSED_HEADER).set("timeout", KEYED_TIMEOUT)};
            if (network.equals("ethereum")) {
                net.tier("keyed", keyed).tier("backup", TestNetwork.provider("backup_anvil", anvil.url()));
            } else {
                net.tier("keyed", keyed);
            }
            net.set("max-attempts", "10")
                    .set("circuit-breaker.enabled", "false")
                    .register(registry);
        }
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @LocalManagementPort
    int managementPort;

    @AfterEach
    void keepOutput(CapturedOutput output) {
        LOGS.append(output.getAll());
    }

    @Autowired
    ManagementContext management;

    // --- traffic with faults; each answer is checked at once and kept for the final scan ---

    @Test
    @Order(1)
    void keyedProvidersThatRefuseResetTimeOutOrAnswer500AreNamedInErrorsButTheirSecretsAreNot() {
        stubAll(k -> aResponse().withStatus(500).withHeader("Content-Type", "text/html")
                .withBody("<html><body><h1>500</h1>error serving " + k.echo() + "</body></html>"));
        driveAndCheck("500 echoing the key", true);
        stubAll(k -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        driveAndCheck("connection reset", true);
        stubAll(k -> aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));
        driveAndCheck("malformed chunk", true);
        stubAll(k -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<!doctype html><p>Welcome " + k.echo() + "</p>"));
        driveAndCheck("HTML page echoing the key", true);
        stubAll(k -> aResponse().withStatus(200).withFixedDelay(1_500)
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + k.echo() + "\"}"));
        checkAnswer("timeout", client.post(gatewayUrl() + "keyedonly", request(1, "eth_blockNumber", "[]")), false);
    }

    @Test
    @Order(2)
    void refusedCredentialsAreFailedOverAndTheBodiesEchoingTheKeyAreNeverPassedOn() {
        for (int status : new int[] {401, 403, 407}) {
            stubAll(k -> aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                    .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", key=\"" + k.echo() + "\"")
                    .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32002,\"message\":\"invalid project id "
                            + k.echo() + "\"}}"));
            driveAndCheck("HTTP " + status + " echoing the key", true);
        }
    }

    @Test
    @Order(3)
    void rateLimitAnswersEchoingTheKeyAreNotRepeatedToAnybody() {
        stubAll(k -> aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":429,\"message\":\"too many requests for " + k.echo() + "\"}}"));
        driveAndCheck("HTTP 429 echoing the key", true);
        clock.advance(Duration.ofMinutes(16));
        stubAll(k -> aResponse().withStatus(200)
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32005,\"message\":\"daily request count exceeded for "
                        + k.echo() + "\"}}"));
        driveAndCheck("JSON-RPC rate limit echoing the key", true);
        clock.advance(Duration.ofMinutes(16));
    }

    @Test
    @Order(4)
    void jsonRpcErrorsWhoseMessageOrDataEchoTheKeyNeverReachAClient() {
        Map<String, Function<Keyed, String>> bodies = new LinkedHashMap<>();
        bodies.put("id-less error echoing the key", k -> "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,"
                + "\"message\":\"unauthorized: " + k.echo() + " is not a valid key\"}}");
        bodies.put("internal error echoing the key", k -> "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,"
                + "\"message\":\"internal error at " + k.echo() + "\"}}");
        bodies.put("method-not-found echoing the key", k -> "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,"
                + "\"message\":\"the method is not available for key " + k.echo() + "\"}}");
        bodies.put("plain error echoing the key", k -> "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
                + "\"message\":\"invalid API key " + k.echo() + "\"}}");
        bodies.put("error data echoing the key", k -> "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
                + "\"message\":\"forbidden\",\"data\":{\"key\":\"" + k.echo() + "\"}}}");
        bodies.put("batch of errors echoing the key", k -> "[{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
                + "\"message\":\"invalid API key " + k.echo() + "\"}},{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32000,"
                + "\"message\":\"invalid API key " + k.echo() + "\"}}]");
        bodies.forEach((what, body) -> {
            for (int status : new int[] {200, 400}) {
                stubAll(k -> aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body.apply(k)));
                // Not passed on: the keyed answers are the providers' failures, so the backup node answers instead.
                driveAndCheck(what + " (HTTP " + status + ")", true);
            }
        });
    }

    @Test
    @Order(5)
    void providersAddedAndRemovedThroughTheAdminApiKeepTheirSecretsOutOfAnswersAndTheAuditTrail() {
        String providers = "/admin/networks/keyedonly/providers";
        Reply added = admin("POST", providers, "{\"tier\":\"keyed\",\"name\":\"added_keyed\",\"url\":\"" + wm.baseUrl()
                + "/added/{api-key}\",\"api-key\":\"" + ADDED_KEY + "\",\"headers\":{\"Authorization\":\"Bearer "
                + ADDED_BEARER + "\"},\"timeout\":\"" + KEYED_TIMEOUT + "\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(JSON.readTree(added.body()).path("url").asString()).startsWith(wm.baseUrl() + "/added/");
        Reply direct = admin("POST", providers, "{\"tier\":\"keyed\",\"name\":\"added_direct\",\"url\":\"" + wm.baseUrl()
                + "/added2/" + ADDED_PATH_KEY + "?token=" + ADDED_QUERY_KEY + "\",\"timeout\":\"" + KEYED_TIMEOUT + "\"}");
        assertThat(direct.status()).as(direct.body()).isEqualTo(200);
        // Refused definitions: the reason names the key, never the value.
        Reply badUrl = admin("POST", providers, "{\"tier\":\"keyed\",\"name\":\"rejected\",\"url\":\"htp://127.0.0.1/v3/{api-key}\","
                + "\"api-key\":\"" + REJECTED_KEY + "\"}");
        assertThat(badUrl.status()).as(badUrl.body()).isEqualTo(400);
        Reply badWeight = admin("POST", providers, "{\"tier\":\"keyed\",\"name\":\"rejected\",\"url\":\"http://127.0.0.1/v3/"
                + REJECTED_KEY + "\",\"weight\":\"heavy\",\"api-key\":\"" + REJECTED_KEY + "\"}");
        assertThat(badWeight.status()).as(badWeight.body()).isEqualTo(400);
        Reply duplicate = admin("POST", providers, "{\"tier\":\"keyed\",\"name\":\"added_keyed\",\"url\":\"http://127.0.0.1/v3/{api-key}\","
                + "\"api-key\":\"" + REJECTED_KEY + "\"}");
        assertThat(duplicate.status()).as(duplicate.body()).isEqualTo(409);

        stubAll(k -> aResponse().withStatus(500).withBody("error serving " + k.echo()));
        driveAndCheck("500 echoing the key, with added providers", true);
        stubAll(k -> aResponse().withStatus(200).withBody("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,"
                + "\"message\":\"unauthorized: " + k.echo() + "\"}}"));
        driveAndCheck("id-less error echoing the key, with added providers", false);

        for (String name : List.of("added_keyed", "added_direct")) {
            String one = providers + "/" + name;
            assertThat(admin("POST", one + "/drain", null).status()).isEqualTo(200);
            assertThat(admin("PUT", one + "/weight", "{\"weight\":7}").status()).isEqualTo(200);
            assertThat(admin("DELETE", one + "/weight", null).status()).isEqualTo(200);
            assertThat(admin("POST", one + "/reinstate", null).status()).isEqualTo(200);
            assertThat(admin("GET", one, null).status()).isEqualTo(200);
        }
        Reply removed = admin("DELETE", providers + "/added_keyed", null);
        assertThat(removed.status()).as(removed.body()).isIn(200, 204);
        Reply audit = admin("GET", "/admin/audit?limit=1000", null);
        assertThat(audit.body()).contains("added_keyed").contains("added_direct").contains("\"remove\"");
    }

    // --- every surface, after all of the above ---

    @Test
    @Order(10)
    void noSecretAppearsOnAnySurfaceAfterAllThatTraffic(CapturedOutput output) {
        Map<String, String> surfaces = new LinkedHashMap<>();
        String logs = LOGS + output.getAll();
        surfaces.put("application output (logs at DEBUG)", logs);
        surfaces.put("Prometheus scrape", admin("GET", "/actuator/prometheus", null).body());
        surfaces.put("Actuator links", admin("GET", "/actuator", null).body());
        for (String path : healthPaths()) {
            surfaces.put("GET " + path, RawHttp.send(managementPort, "GET", path, null).everything());
        }
        for (String path : adminReadPaths()) {
            surfaces.put("GET " + path, admin("GET", path, null).everything());
        }
        synchronized (SEEN) {
            surfaces.put("every answer a client or an operator got during the test", String.join("\n", SEEN));
        }

        SoftAssertions soft = new SoftAssertions();
        surfaces.forEach((surface, text) -> SECRETS.check(soft, surface, text));
        soft.assertAll();

        // The scan looked at something: the logs have the start-up summary and the failovers, health and admin views
        // name the keyed providers and show their redacted URLs, the scrape has their series.
        assertThat(logs).contains("Network ethereum (default)").contains("keyed_url")
                .contains("failing over").contains("is rate-limited").contains("added_keyed");
        assertThat(surfaces.get("GET /actuator/health/tiergate/keyedonly/keyed")).contains("keyed_direct")
                .contains("/direct/***/rpc?***").contains("***@127.0.0.1");
        assertThat(surfaces.get("Prometheus scrape")).contains("provider=\"keyed_header\"");
        assertThat(surfaces.get("GET /admin/networks/keyedonly/providers/added_direct")).contains("/added2/***?***");
    }

    @Test
    @Order(11)
    void theSecretsDidGoUpstreamSoTheirAbsenceAboveIsNoAccident() {
        List<String> urls = new ArrayList<>();
        List<String> authorizations = new ArrayList<>();
        List<String> apiKeys = new ArrayList<>();
        for (ServeEvent event : wm.getAllServeEvents()) {
            urls.add(event.getRequest().getUrl());
            authorizations.add(event.getRequest().getHeader("Authorization"));
            apiKeys.add(event.getRequest().getHeader("X-Api-Key"));
        }
        assertThat(urls).contains("/v3/" + URL_KEY, "/direct/" + PATH_KEY + "/rpc?apikey=" + QUERY_KEY + "&chain=1",
                "/added/" + ADDED_KEY, "/added2/" + ADDED_PATH_KEY + "?token=" + ADDED_QUERY_KEY);
        // The URL's user info goes as Basic credentials, to the right host (not into a DNS name).
        assertThat(urls).contains("/ui");
        assertThat(authorizations).contains("Bearer " + BEARER, "Bearer " + ADDED_BEARER, "Basic " + URL_BASIC);
        assertThat(apiKeys).contains(X_API_KEY);
    }

    // --- driving ---

    /** One round of client traffic: singles and a batch to both networks, a transaction to keyedonly. */
    private void driveAndCheck(String phase, boolean backupAnswers) {
        String single = request(1, "eth_blockNumber", "[]");
        String batch = "[" + request(1, "eth_chainId", "[]") + "," + request(2, "eth_blockNumber", "[]") + "]";
        String tx = request(3, "eth_sendRawTransaction", "[\"0x02f8730182\"]");
        Response viaBackup = rpc(single);
        checkAnswer(phase + ", default network", viaBackup, backupAnswers);
        checkAnswer(phase + ", default network, batch", rpc(batch), backupAnswers);
        checkAnswer(phase + ", keyedonly", client.post(gatewayUrl() + "keyedonly", single), false);
        checkAnswer(phase + ", keyedonly, batch", client.post(gatewayUrl() + "keyedonly", batch), false);
        checkAnswer(phase + ", keyedonly, transaction", client.post(gatewayUrl() + "keyedonly", tx), false);
    }

    /** Checks one answer for secrets now; {@code answered}: the backup anvil must have answered (HTTP 200, a result). */
    private void checkAnswer(String what, Response response, boolean answered) {
        String everything = response.status() + "\n" + response.headers().map() + "\n" + response.body();
        SEEN.add(what + ": " + everything);
        SoftAssertions soft = new SoftAssertions();
        SECRETS.check(soft, what + " -> " + everything, everything);
        soft.assertAll();
        if (answered) {
            assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(200);
            assertThat(response.body()).as(what).contains("\"result\"").doesNotContain("\"error\"");
        } else if (response.status() != 200) {
            assertThat(response.body()).as(what).contains("\"error\"");
        }
    }

    private void stubAll(Function<Keyed, ResponseDefinitionBuilder> response) {
        wm.resetMappings();
        for (Keyed keyed : KEYED) {
            wm.stubFor(any(urlPathMatching(keyed.pathRegex())).willReturn(response.apply(keyed)));
        }
        wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(404)));
    }

    private Reply admin(String method, String path, String body) {
        Reply reply = RawHttp.send(managementPort, method, path, body, "Authorization: Bearer " + ADMIN_TOKEN);
        SEEN.add(method + " " + path + ": " + reply.everything());
        return reply;
    }

    private List<String> healthPaths() {
        List<String> paths = new ArrayList<>(List.of("/actuator/health", "/actuator/health/liveness",
                "/actuator/health/readiness", "/actuator/health/tiergate"));
        for (String network : List.of("ethereum", "keyedonly")) {
            paths.add("/actuator/health/tiergate/" + network);
            paths.add("/actuator/health/tiergate/" + network + "/keyed");
            paths.add("/actuator/health/tiergate/" + network + "/serving");
        }
        paths.add("/actuator/health/tiergate/ethereum/backup");
        return paths;
    }

    /** Every GET route of the admin API (read from the served router) for every network and provider name. */
    private List<String> adminReadPaths() {
        List<String> names = List.of("keyed_url", "keyed_direct", "keyed_header", "keyed_userinfo", "keyed_refused",
                "backup_anvil", "added_keyed", "added_direct");
        List<String> paths = new ArrayList<>();
        for (Route route : ServedRoutes.of(management.servedRoutes())) {
            if (route.method() == null || !route.method().name().equals("GET") || !route.pattern().startsWith("/admin")) {
                continue;
            }
            for (String network : List.of("ethereum", "keyedonly")) {
                for (String name : names) {
                    String path = route.path(Map.of("network", network, "name", name));
                    if (!paths.contains(path)) {
                        paths.add(path);
                    }
                }
            }
        }
        assertThat(paths).contains("/admin/networks", "/admin/status", "/admin/audit",
                "/admin/networks/keyedonly/providers/added_direct");
        return paths;
    }


    /** Drops WireMock's own console output. */
    static final class SilentNotifier implements Notifier {
        @Override
        public void info(String message) {
        }

        @Override
        public void error(String message) {
        }

        @Override
        public void error(String message, Throwable t) {
        }
    }
}
