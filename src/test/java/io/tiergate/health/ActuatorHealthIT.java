package io.tiergate.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.health.HealthEndpoints.Reply;
import io.tiergate.provider.Provider;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
 * The "Done means", on real nodes: local, cloud and public tiers of anvil nodes, probed every
 * 5 s of the test's clock. Stopping both local nodes shows {@code tiergate/ethereum/local} DOWN, the
 * network UP with {@code servingTier: cloud}, readiness UP and traffic on the cloud tier; stopping every
 * node makes readiness DOWN but never liveness; mining on one cloud node makes the other LAGGING
 * within one probe interval. The Actuator JSON is asserted field by field. The tests share the nodes,
 * so they run in order, each leaving the nodes it needs for the next as described.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActuatorHealthIT extends GatewayTest {

    private static final Duration INTERVAL = Duration.ofSeconds(5);
    /** One interval plus the largest jitter (10 %) and a margin: every provider is due after it. */
    private static final Duration ROUND = Duration.ofSeconds(6);
    private static final int MAX_FAILURES = 3;
    private static final String API_KEY = "s3cr3tKeyABC123";

    static final AnvilNode local1 = AnvilNode.start();
    static final AnvilNode local2 = AnvilNode.start();
    static final AnvilNode cloud1 = AnvilNode.start();
    static final AnvilNode cloud2 = AnvilNode.start();
    static final AnvilNode public1 = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()).weight(100),
                        TestNetwork.provider("local_2", local2.url()).weight(80))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud1.url()).weight(60),
                        TestNetwork.provider("cloud_2", cloud2.url() + "/?apikey={api-key}").set("api-key", API_KEY)
                                .weight(60))
                .tier("public", TestNetwork.provider("public_1", public1.url()).weight(20))
                .set("chain-id", "31337")
                .set("health-check-interval", INTERVAL.toSeconds() + "s")
                .set("max-failures", Integer.toString(MAX_FAILURES))
                .set("timeout", "1s")
                .set("circuit-breaker.open-duration", "10m")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        local1.close();
        local2.close();
        cloud1.close();
        cloud2.close();
        public1.close();
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    NetworkRegistry registry;

    private HealthEndpoints health;

    @BeforeEach
    void endpoints() {
        health = new HealthEndpoints(managementPort);
    }

    @Test
    @Order(1)
    void jsonRpcPortAnswers404ForActuatorPathsBecauseManagementHasItsOwnPort() {
        assertThat(managementPort).isNotEqualTo(port);
        Reply onRpcPort = health.get(gatewayUrl() + "actuator/health");
        assertThat(onRpcPort.status()).as(onRpcPort.body()).isEqualTo(404);
        assertThat(health.get(gatewayUrl() + "actuator/health/readiness").status()).isEqualTo(404);

        Reply onManagementPort = health.management("/actuator/health");
        assertThat(onManagementPort.status()).isIn(200, 503);
        assertThat(onManagementPort.json().path("status").asString()).isNotBlank();
    }

    @Test
    @Order(1)
    void managementPortServesHealthWithoutCredentialsButNothingElse() {
        assertThat(health.management("/actuator/health/liveness").status()).isEqualTo(200);
        for (String path : List.of("/actuator/prometheus", "/actuator/env", "/actuator/metrics",
                "/actuator/configprops", "/actuator/heapdump", "/actuator/loggers", "/actuator/beans")) {
            Reply reply = health.management(path);
            assertThat(reply.status()).as("GET %s: %s", path, reply.body()).isIn(401, 404);
            assertThat(reply.body()).as(path).doesNotContain(API_KEY).doesNotContain("tiergate.networks");
        }
    }

    @Test
    @Order(2)
    void afterTheFirstProbeEveryProviderIsUpAndTheTierListsItsProvidersWithRedactedUrls() {
        for (String[] p : new String[][] {{"local", "local_1"}, {"local", "local_2"}, {"cloud", "cloud_1"},
                {"cloud", "cloud_2"}, {"public", "public_1"}}) {
            health.awaitState(p[0], p[1], "UP");
        }
        Reply local = health.tier("local");
        assertThat(local.status()).isEqualTo(200);
        assertThat(local.json().path("status").asString()).isEqualTo("UP");
        assertThat(local.json().path("details").path("priority").asInt()).isEqualTo(1);
        assertThat(local.json().path("details").path("providers").propertyNames())
                .containsExactly("local_1", "local_2");
        JsonNode local1Details = local.json().path("details").path("providers").path("local_1");
        assertThat(local1Details.path("state").asString()).isEqualTo("UP");
        assertThat(local1Details.path("usable").asBoolean()).isTrue();
        assertThat(local1Details.has("reason")).as("a usable provider needs no reason").isFalse();
        assertThat(local1Details.path("url").asString()).isEqualTo(local1.url());
        assertThat(local1Details.path("head").asLong()).isEqualTo(local1.blockNumber());
        assertThat(local1Details.path("lag").asLong()).isZero();
        assertThat(local1Details.path("circuit").asString()).isEqualTo("CLOSED");
        assertThat(local1Details.path("weight").asInt()).isEqualTo(100);
        assertThat(local1Details.has("lastError")).isFalse();
        assertThat(local.json().path("details").path("providers").path("local_2").path("weight").asInt())
                .isEqualTo(80);

        Reply cloud = health.tier("cloud");
        assertThat(cloud.json().path("details").path("priority").asInt()).isEqualTo(2);
        assertThat(cloud.body()).as("the API key never shows").doesNotContain(API_KEY);
        assertThat(cloud.json().path("details").path("providers").path("cloud_2").path("url").asString())
                .startsWith("http://127.0.0.1:" + cloud2.port()).contains("***");
        assertThat(health.tier("public").json().path("details").path("priority").asInt()).isEqualTo(3);

        Reply network = health.management("/actuator/health/tiergate/ethereum");
        assertThat(network.status()).isEqualTo(200);
        assertThat(network.json().path("status").asString()).isEqualTo("UP");
        assertThat(network.json().path("components").propertyNames())
                .containsExactlyInAnyOrder("local", "cloud", "public", "serving");
        JsonNode serving = network.json().path("components").path("serving");
        assertThat(serving.path("status").asString()).isEqualTo("SERVING");
        assertThat(serving.path("details").path("servingTier").asString()).isEqualTo("local");
        assertThat(serving.path("details").path("bestHead").asLong()).isEqualTo(local1.blockNumber());
    }

    /**
     * The issue asks for "recent latency" per provider. Every provider has been probed (a timed call), so each
     * one has a latency to show, also those that no client request has reached yet.
     */
    @Test
    @Order(2)
    void everyProbedProviderShowsItsRecentLatency() {
        for (String[] p : new String[][] {{"local", "local_1"}, {"cloud", "cloud_1"}, {"public", "public_1"}}) {
            health.awaitState(p[0], p[1], "UP");
            JsonNode details = health.provider(p[0], p[1]);
            assertThat(details.has("latencyMs")).as("%s latencyMs in %s", p[1], details).isTrue();
            assertThat(details.path("latencyMs").asDouble()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    @Order(3)
    void aDownPublicTierAloneNeverMakesReadinessDown() {
        public1.kill();
        try {
            failedProbeRoundsUntilDown("public", "public_1");

            Reply publicTier = health.tier("public");
            assertThat(publicTier.status()).isEqualTo(503);
            assertThat(publicTier.json().path("status").asString()).isEqualTo("DOWN");

            Reply network = health.management("/actuator/health/tiergate/ethereum");
            assertThat(network.status()).isEqualTo(200);
            assertThat(network.json().path("status").asString()).isEqualTo("UP");
            assertThat(network.json().path("components").path("serving").path("details").path("servingTier")
                    .asString()).isEqualTo("local");

            Reply readiness = health.management("/actuator/health/readiness");
            assertThat(readiness.status()).as(readiness.body()).isEqualTo(200);
            assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
            assertThat(health.management("/actuator/health/liveness").status()).isEqualTo(200);
        } finally {
            public1.restart();
        }
        clock.advance(ROUND);
        health.awaitState("public", "public_1", "UP");
        assertThat(health.tier("public").status()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void stoppingBothLocalNodesShowsLocalDownNetworkServingFromCloudAndReadinessUp() {
        local1.kill();
        local2.kill();
        int rounds = failedProbeRoundsUntilDown("local", "local_1", "local_2");
        assertThat(rounds).as("probe rounds until DOWN").isLessThanOrEqualTo(MAX_FAILURES);

        Reply local = health.tier("local");
        assertThat(local.status()).as(local.body()).isEqualTo(503);
        assertThat(local.json().path("status").asString()).isEqualTo("DOWN");
        JsonNode details = local.json().path("details");
        assertThat(details.path("priority").asInt()).isEqualTo(1);
        assertThat(details.path("providers").propertyNames()).containsExactly("local_1", "local_2");
        Map<String, AnvilNode> nodes = Map.of("local_1", local1, "local_2", local2);
        for (String name : List.of("local_1", "local_2")) {
            JsonNode p = details.path("providers").path(name);
            String described = name + ": " + p;
            assertThat(p.path("state").asString()).as(described).isEqualTo("DOWN");
            assertThat(p.path("usable").asBoolean()).as(described).isFalse();
            assertThat(p.path("reason").asString()).as(described).isIn("down", "circuit open");
            assertThat(p.path("circuit").asString()).as(described).isEqualTo("OPEN");
            assertThat(p.path("url").asString()).as(described).isEqualTo(nodes.get(name).url());
            assertThat(p.path("head").asLong()).as(described).isZero();
            assertThat(p.path("weight").asInt()).as(described).isEqualTo(name.equals("local_1") ? 100 : 80);
            String lastError = p.path("lastError").asString();
            assertThat(lastError).as(described).isEqualTo("connection refused");
            assertThat(lastError).as(described).doesNotContain("127.0.0.1").doesNotContain("http")
                    .doesNotContain(Integer.toString(nodes.get(name).port()));
        }

        Reply network = health.management("/actuator/health/tiergate/ethereum");
        assertThat(network.status()).as(network.body()).isEqualTo(200);
        assertThat(network.json().path("status").asString()).isEqualTo("UP");
        JsonNode components = network.json().path("components");
        assertThat(components.path("local").path("status").asString()).isEqualTo("DOWN");
        assertThat(components.path("cloud").path("status").asString()).isEqualTo("UP");
        assertThat(components.path("public").path("status").asString()).isEqualTo("UP");
        assertThat(components.path("serving").path("status").asString()).isEqualTo("SERVING");
        assertThat(components.path("serving").path("details").path("servingTier").asString()).isEqualTo("cloud");
        assertThat(components.path("serving").path("details").path("bestHead").asLong()).isEqualTo(cloud1.blockNumber());

        Reply readiness = health.management("/actuator/health/readiness");
        assertThat(readiness.status()).as(readiness.body()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().path("components").path("tiergate").path("status").asString()).isEqualTo("UP");

        Reply liveness = health.management("/actuator/health/liveness");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.json().path("status").asString()).isEqualTo("UP");
        assertThat(liveness.json().path("components").has("tiergate")).isFalse();
        assertThat(liveness.body()).doesNotContain("tiergate");

        Map<String, Integer> byProvider = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Tier")).isEqualTo("cloud");
            assertThat(response.header("X-Tiergate-Attempts")).as("the DOWN local nodes are not tried").isEqualTo("1");
            byProvider.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        assertThat(byProvider.keySet()).isSubsetOf("cloud_1", "cloud_2");
    }

    @Test
    @Order(5)
    void stoppingEveryNodeMakesTheNetworkAndReadinessDownButNeverLiveness() {
        cloud1.kill();
        cloud2.kill();
        public1.kill();
        try {
            failedProbeRoundsUntilDown("cloud", "cloud_1", "cloud_2");
            health.awaitState("public", "public_1", "DOWN");

            for (String tier : List.of("local", "cloud", "public")) {
                Reply reply = health.tier(tier);
                assertThat(reply.status()).as(tier).isEqualTo(503);
                assertThat(reply.json().path("status").asString()).as(tier).isEqualTo("DOWN");
            }
            Reply network = health.management("/actuator/health/tiergate/ethereum");
            assertThat(network.status()).as(network.body()).isEqualTo(503);
            assertThat(network.json().path("status").asString()).isEqualTo("DOWN");
            JsonNode serving = network.json().path("components").path("serving");
            assertThat(serving.path("status").asString()).isEqualTo("DOWN");
            assertThat(serving.path("details").path("servingTier").asString()).isEqualTo("none");

            Reply readiness = health.management("/actuator/health/readiness");
            assertThat(readiness.status()).as(readiness.body()).isEqualTo(503);
            assertThat(readiness.json().path("status").asString()).isEqualTo("DOWN");
            assertThat(readiness.json().path("components").path("tiergate").path("status").asString())
                    .isEqualTo("DOWN");

            Reply liveness = health.management("/actuator/health/liveness");
            assertThat(liveness.status()).as(liveness.body()).isEqualTo(200);
            assertThat(liveness.json().path("status").asString()).isEqualTo("UP");
        } finally {
            local1.restart();
            local2.restart();
            cloud1.restart();
            cloud2.restart();
            public1.restart();
        }
        clock.advance(ROUND);
        for (String[] p : new String[][] {{"local", "local_1"}, {"local", "local_2"}, {"cloud", "cloud_1"},
                {"cloud", "cloud_2"}, {"public", "public_1"}}) {
            health.awaitState(p[0], p[1], "UP");
        }
        Reply readiness = health.management("/actuator/health/readiness");
        assertThat(readiness.status()).as(readiness.body()).isEqualTo(200);
        assertThat(health.provider("local", "local_1").path("circuit").asString()).isEqualTo("CLOSED");
    }

    @Test
    @Order(6)
    void miningBlocksOnOneCloudNodeMakesTheOtherLaggingWithinOneProbeInterval() {
        for (String[] p : new String[][] {{"local", "local_1"}, {"local", "local_2"}, {"cloud", "cloud_1"},
                {"cloud", "cloud_2"}, {"public", "public_1"}}) {
            health.awaitState(p[0], p[1], "UP");
        }
        long start = cloud1.blockNumber();
        assertThat(cloud2.blockNumber()).isEqualTo(start);
        cloud1.mine(5);

        clock.advance(ROUND);
        health.awaitState("cloud", "cloud_2", "LAGGING");
        JsonNode cloud2Details = health.provider("cloud", "cloud_2");
        assertThat(cloud2Details.path("lag").asLong()).as(cloud2Details.toString()).isEqualTo(5);
        assertThat(cloud2Details.path("head").asLong()).isEqualTo(start);
        assertThat(cloud2Details.path("usable").asBoolean()).as("a fallback, still usable").isTrue();
        assertThat(cloud2Details.path("reason").asString()).isEqualTo("lagging behind the best head");
        JsonNode cloud1Details = health.provider("cloud", "cloud_1");
        assertThat(cloud1Details.path("state").asString()).isEqualTo("UP");
        assertThat(cloud1Details.path("head").asLong()).isEqualTo(start + 5);
        assertThat(cloud1Details.path("lag").asLong()).isZero();
        // The local nodes are behind cloud_1 as well: the cloud node at the head serves.
        health.awaitState("local", "local_1", "LAGGING");
        health.awaitState("local", "local_2", "LAGGING");
        JsonNode serving = health.management("/actuator/health/tiergate/ethereum").json().path("components")
                .path("serving");
        assertThat(serving.path("details").path("servingTier").asString()).isEqualTo("cloud");
        assertThat(serving.path("details").path("bestHead").asLong()).isEqualTo(start + 5);
        for (int i = 0; i < 10; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Provider")).isEqualTo("cloud_1");
        }
    }

    /**
     * Moves the clock one probe interval at a time, each time waiting until the probe of every named provider has
     * failed, until all of them are DOWN. Returns the number of rounds it took.
     */
    private int failedProbeRoundsUntilDown(String tier, String... names) {
        for (int round = 1; round <= MAX_FAILURES + 2; round++) {
            Map<String, Integer> before = new HashMap<>();
            for (String name : names) {
                before.put(name, provider(name).health().failures());
            }
            clock.advance(ROUND);
            HealthEndpoints.await("a probe round failed for " + List.of(names), () -> {
                for (String name : names) {
                    if (provider(name).health().failures() <= before.get(name)) {
                        return false;
                    }
                }
                return true;
            }, () -> health.tier(tier).body());
            boolean allDown = true;
            for (String name : names) {
                allDown &= "DOWN".equals(health.state(tier, name));
            }
            if (allDown) {
                return round;
            }
        }
        throw new AssertionError(List.of(names) + " not DOWN after " + (MAX_FAILURES + 2) + " probe rounds: "
                + health.tier(tier).body());
    }

    private Provider provider(String name) {
        return registry.defaultNetwork().provider(name);
    }
}
