package io.tiergate.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 of a real node: probes mark it DOWN after max-failures (3) failed probes, one per interval, and
 * its breaker opens with it; after a restart the next probe brings it back UP with its breaker CLOSED and
 * traffic returns. The breaker's open-duration (10 min) is far longer than the test, so only the probe
 * can have closed it. Failed client requests count toward max-failures as well while probes run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProviderOutageHealthIT extends GatewayTest {

    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration ROUND = Duration.ofSeconds(6);
    private static final int MAX_FAILURES = 3;

    static final AnvilNode local1 = AnvilNode.start();
    static final AnvilNode local2 = AnvilNode.start();
    static final AnvilNode cloud1 = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()),
                        TestNetwork.provider("local_2", local2.url()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud1.url()))
                .set("chain-id", "31337")
                .set("health-check-interval", INTERVAL.toSeconds() + "s")
                .set("max-failures", Integer.toString(MAX_FAILURES))
                // Far more than max-failures: DOWN comes from the health count, and opens the breaker itself.
                .set("circuit-breaker.failure-threshold", "10")
                .set("circuit-breaker.open-duration", "10m")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        local1.close();
        local2.close();
        cloud1.close();
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    NetworkRegistry registry;

    private HealthEndpoints health;

    @BeforeEach
    void everyProviderUp() {
        health = new HealthEndpoints(managementPort);
        health.awaitState("local", "local_1", "UP");
        health.awaitState("local", "local_2", "UP");
        health.awaitState("cloud", "cloud_1", "UP");
    }

    @Test
    @Order(1)
    void killedNodeIsDownAfterMaxFailuresProbeIntervalsAndUpAgainAfterTheProbeFollowingItsRestart() {
        local1.kill();
        try {
            for (int round = 1; round < MAX_FAILURES; round++) {
                failedProbeRound("local_1");
                JsonNode details = health.provider("local", "local_1");
                assertThat(details.path("state").asString()).as("after %d failed probe(s): %s", round, details)
                        .isEqualTo("UP");
                assertThat(details.path("circuit").asString()).isEqualTo("CLOSED");
                assertThat(details.path("lastError").asString()).isEqualTo("connection refused");
            }
            failedProbeRound("local_1");
            health.awaitState("local", "local_1", "DOWN");
            JsonNode down = health.provider("local", "local_1");
            assertThat(down.path("circuit").asString()).as(down.toString()).isEqualTo("OPEN");
            assertThat(down.path("usable").asBoolean()).isFalse();
            assertThat(down.path("lastError").asString()).isEqualTo("connection refused");

            assertEveryRequestServedBy("local_2", 10);
        } finally {
            local1.restart();
        }
        // Restarted, but not probed yet: still DOWN, still not tried.
        assertThat(health.state("local", "local_1")).isEqualTo("DOWN");
        assertEveryRequestServedBy("local_2", 5);

        clock.advance(ROUND);
        health.awaitState("local", "local_1", "UP");
        JsonNode up = health.provider("local", "local_1");
        assertThat(up.path("circuit").asString()).as(up.toString()).isEqualTo("CLOSED");
        assertThat(up.path("usable").asBoolean()).isTrue();

        Map<String, Integer> byProvider = servedBy(20);
        assertThat(byProvider).as("traffic returns to local_1").containsOnlyKeys("local_1", "local_2");
    }

    @Test
    @Order(2)
    void failedRequestsCountTowardMaxFailuresWhileProbesRun() {
        local2.kill();
        int failedAttempts = 0;
        try {
            // The clock stands still: no probe runs, only client requests meet the dead node.
            for (int i = 0; i < 200 && !"DOWN".equals(health.state("local", "local_2")); i++) {
                JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                assertThat(response.header("X-Tiergate-Provider")).isEqualTo("local_1");
                if ("2".equals(response.header("X-Tiergate-Attempts"))) {
                    failedAttempts++;
                }
            }
            JsonNode down = health.provider("local", "local_2");
            assertThat(down.path("state").asString()).as(down.toString()).isEqualTo("DOWN");
            assertThat(failedAttempts).as("requests that met the dead node before it was DOWN").isEqualTo(MAX_FAILURES);
            assertThat(down.path("circuit").asString()).as("DOWN opens the breaker").isEqualTo("OPEN");
            assertEveryRequestServedBy("local_1", 10);
        } finally {
            local2.restart();
        }
        clock.advance(ROUND);
        health.awaitState("local", "local_2", "UP");
        assertThat(health.provider("local", "local_2").path("circuit").asString()).isEqualTo("CLOSED");
        // Its selection score still carries the failed requests (halved per failure) until it serves one again.
        int requests = 0;
        String provider = null;
        while (!"local_2".equals(provider)) {
            assertThat(++requests).as("requests until local_2 serves again").isLessThanOrEqualTo(100);
            JsonRpcClient.Response response = rpc(request(requests, "eth_blockNumber", "[]"));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            provider = response.header("X-Tiergate-Provider");
        }
    }

    /** Advances the clock one interval and waits until the provider's probe of this round has failed. */
    private void failedProbeRound(String name) {
        Provider provider = registry.defaultNetwork().provider(name);
        int before = provider.health().failures();
        clock.advance(ROUND);
        HealthEndpoints.await(name + "'s probe fails", () -> provider.health().failures() > before,
                () -> health.provider("local", name).toString());
    }

    private void assertEveryRequestServedBy(String name, int requests) {
        for (int i = 0; i < requests; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Provider")).isEqualTo(name);
            assertThat(response.header("X-Tiergate-Attempts")).as("the DOWN node is not tried").isEqualTo("1");
        }
    }

    private Map<String, Integer> servedBy(int requests) {
        Map<String, Integer> byProvider = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            byProvider.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        return byProvider;
    }
}
