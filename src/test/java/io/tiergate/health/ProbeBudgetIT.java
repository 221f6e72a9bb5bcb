package io.tiergate.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What probes cost a provider: about one per health-check-interval (30 s) and never a burst, none while
 * the provider rests after a 429, none once its quota ({@code rate-limit}) is spent. WireMock plays the
 * providers, one path each. A fourth provider probed every second ({@code /metronome}, listed last) tells
 * the test that the prober has looked at the clock since the test moved it: its probe goes out in the same
 * pass as any probe of the others.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeBudgetIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final String PROBE_ANSWER = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10\"},"
            + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":false},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x1\"}]";
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final String RATE_LIMITED = "[" + limitedAnswer(1) + "," + limitedAnswer(2) + "," + limitedAnswer(3) + "]";

    private static String limitedAnswer(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"error\":{\"code\":-32005,\"message\":\"daily request count exceeded, request rate limited\"}}";
    }

    static {
        wm.start();
        wm.stubFor(post(urlPathMatching("/.*")).atPriority(10)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(PROBE_ANSWER)));
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        registry.add("tiergate.health.tick", () -> "20ms");
        TestNetwork.named("ethereum")
                .tier("budget", TestNetwork.provider("steady", wm.baseUrl() + "/steady"),
                        TestNetwork.provider("resting", wm.baseUrl() + "/resting"),
                        TestNetwork.provider("quota", wm.baseUrl() + "/quota")
                                .set("rate-limit.requests", "4").set("rate-limit.period", "1h"),
                        TestNetwork.provider("limited", wm.baseUrl() + "/limited"))
                .tier("clockwork", TestNetwork.provider("metronome", wm.baseUrl() + "/metronome")
                        .set("health-check-interval", "1s"))
                .set("chain-id", "1")
                .set("health-check-interval", INTERVAL.toSeconds() + "s")
                .register(registry);
    }

    @LocalManagementPort
    int managementPort;

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    /**
     * Runs first, while the clock still stands where the application started (when the quota's period began).
     * The start-up probe takes 3 of the 4 calls (eth_blockNumber, eth_syncing, eth_chainId); a probe needs 2,
     * so none goes out until the period rolls over after an hour; then two, and none again until the next hour.
     */
    @Test
    @Order(1)
    void probesStopOnceTheProvidersQuotaIsSpentAndResumeWhenItsPeriodRollsOver() {
        HealthEndpoints.await("the start-up probe reached /quota", () -> count("/quota") == 1,
                () -> "count " + count("/quota"));
        step(Duration.ofMinutes(2).plusSeconds(30));
        for (int minute = 5; minute <= 55; minute += 5) {
            step(Duration.ofMinutes(5));
            assertThat(count("/quota")).as("probes by minute %d.5 of the first hour", minute + 2).isEqualTo(1);
        }
        step(Duration.ofMinutes(5)); // 62.5 min: a new period, 4 calls
        step(Duration.ofMinutes(5)); // 67.5 min
        for (int minute = 70; minute <= 115; minute += 5) {
            step(Duration.ofMinutes(5));
            assertThat(count("/quota")).as("probes by minute %d.5: two more, then the quota is spent", minute + 2)
                    .isEqualTo(3);
        }
        step(Duration.ofMinutes(5)); // 122.5 min: the next period
        HealthEndpoints.await("a probe goes out in the third hour", () -> count("/quota") == 4,
                () -> "count " + count("/quota"));
    }

    @Test
    @Order(2)
    void aProviderGetsAboutOneProbePerIntervalAndNeverABurst() {
        Duration step = Duration.ofSeconds(5);
        int start = count("/steady");
        int previous = start;
        List<Integer> probeSteps = new ArrayList<>();
        for (int s = 1; s <= 60; s++) { // five minutes
            step(step);
            int now = count("/steady");
            assertThat(now - previous).as("probes reaching /steady during step %d (%d s)", s, s * 5)
                    .isLessThanOrEqualTo(1);
            if (now > previous) {
                probeSteps.add(s);
            }
            previous = now;
        }
        System.out.println("probes of /steady at steps (5 s each): " + probeSteps);
        assertThat(previous - start).as("probes in 5 minutes at a 30 s interval").isBetween(8, 12);
        for (int i = 1; i < probeSteps.size(); i++) {
            long gapSeconds = (probeSteps.get(i) - probeSteps.get(i - 1)) * step.toSeconds();
            assertThat(gapSeconds).as("seconds between probes %d and %d: %s", i, i + 1, probeSteps)
                    .isBetween(25L, 40L);
        }
    }

    @Test
    @Order(3)
    void noProbeReachesAProviderWhileItRestsAfterA429() {
        StubMapping tooMany = wm.stubFor(post(urlEqualTo("/resting")).atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));
        int before = count("/resting");
        int steps = 0;
        while (count("/resting") == before) {
            assertThat(++steps).as("steps of 5 s until the next probe").isLessThanOrEqualTo(10);
            step(Duration.ofSeconds(5));
        }
        // That probe got 429 Retry-After 120 (a little before now, at most one step): the provider rests 120 s.
        wm.removeStub(tooMany);
        int limited = count("/resting");
        for (int seconds = 5; seconds <= 110; seconds += 5) {
            step(Duration.ofSeconds(5));
            assertThat(count("/resting")).as("probes %d s after the 429 (interval 30 s, Retry-After 120 s)", seconds)
                    .isEqualTo(limited);
        }
        step(Duration.ofSeconds(15)); // 125 s: the rest is over
        HealthEndpoints.await("a probe reaches /resting once the rest is over", () -> count("/resting") == limited + 1,
                () -> "count " + count("/resting"));
    }

    /**
     * Infura and others say "rate limited" with HTTP 200 and JSON-RPC error -32005. Client requests treat that as
     * a rate limit (rest, no breaker charge); a probe that meets it must make the provider rest as well, not
     * count it as a failure that marks the provider DOWN and opens its breaker while probing on every interval.
     */
    @Test
    @Order(4)
    void aJsonRpcRateLimitAnswerToAProbeMakesTheProviderRestNotDown() {
        HealthEndpoints health = new HealthEndpoints(managementPort);
        StubMapping limit = wm.stubFor(post(urlEqualTo("/limited")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(RATE_LIMITED)));
        try {
            int before = count("/limited");
            int steps = 0;
            while (count("/limited") == before) {
                assertThat(++steps).as("steps of 5 s until the next probe").isLessThanOrEqualTo(10);
                step(Duration.ofSeconds(5));
            }
            int limited = count("/limited");
            List<String> seen = new ArrayList<>();
            int probesWithin50s = 0;
            String reasonAt5s = null;
            for (int seconds = 5; seconds <= 120; seconds += 5) {
                step(Duration.ofSeconds(5));
                JsonNode details = health.provider("budget", "limited");
                seen.add(seconds + "s " + details.path("state").asString() + "/" + details.path("circuit").asString());
                if (seconds <= 50) {
                    probesWithin50s = count("/limited") - limited;
                }
                if (seconds == 5) {
                    reasonAt5s = details.path("reason").asString();
                }
            }
            System.out.println("limited provider, every 5 s after a rate-limited probe: " + seen);
            assertThat(seen).as("state/circuit every 5 s for 2 minutes of rate-limit answers")
                    .noneMatch(s -> s.contains("DOWN") || s.contains("OPEN"));
            assertThat(probesWithin50s).as("probes within 50 s of the rate limit (initial backoff 60 s)").isZero();
            assertThat(reasonAt5s).as("reason shown 5 s after the rate limit").isEqualTo("rate-limited, backing off");
        } finally {
            wm.removeStub(limit);
        }
    }

    /** Moves the clock and waits until the prober has run a pass at the new time (the metronome was probed). */
    private void step(Duration amount) {
        int beats = count("/metronome");
        clock.advance(amount);
        HealthEndpoints.await("the prober runs after the clock moved", () -> count("/metronome") > beats,
                () -> "metronome count " + count("/metronome"));
    }

    private static int count(String path) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo(path)).build()).getCount();
    }
}
