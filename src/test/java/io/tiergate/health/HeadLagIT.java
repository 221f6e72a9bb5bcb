package io.tiergate.health;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Head tracking on real nodes: mining blocks on some anvil nodes makes the others fall behind. A node more
 * than max-lag-blocks (3) behind becomes LAGGING and is not selected while an UP provider exists in any tier,
 * comes back once it catches up, and still serves when nothing else can. Requests naming a block skip
 * providers whose head is below it. Every test starts and ends with all nodes at the same height and UP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeadLagIT extends GatewayTest {

    private static final Duration INTERVAL = Duration.ofSeconds(5);
    /** One interval plus the largest jitter (10 %) and a margin: every provider is due after it. */
    private static final Duration ROUND = Duration.ofSeconds(6);
    private static final String ADDRESS = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    private static final int REQUESTS = 20;

    static final AnvilNode local1 = AnvilNode.start();
    static final AnvilNode local2 = AnvilNode.start();
    static final AnvilNode cloud1 = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()),
                        TestNetwork.provider("local_2", local2.url()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud1.url()).set("timeout", "500ms"))
                .set("chain-id", "31337")
                .set("health-check-interval", INTERVAL.toSeconds() + "s")
                .set("max-lag-blocks", "3")
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

    private HealthEndpoints health;

    @BeforeEach
    void allNodesLevelAndUp() {
        health = new HealthEndpoints(managementPort);
        long top = Math.max(local1.blockNumber(), Math.max(local2.blockNumber(), cloud1.blockNumber()));
        for (AnvilNode node : List.of(local1, local2, cloud1)) {
            long behind = top - node.blockNumber();
            if (behind > 0) {
                node.mine((int) behind);
            }
        }
        clock.advance(ROUND);
        health.awaitState("local", "local_1", "UP");
        health.awaitState("local", "local_2", "UP");
        health.awaitState("cloud", "cloud_1", "UP");
    }

    @Test
    @Order(1)
    void providerMoreThanMaxLagBlocksBehindIsNotSelectedUntilItCatchesUp() {
        long start = local2.blockNumber();
        local1.mine(5);
        cloud1.mine(5);

        clock.advance(ROUND);
        health.awaitState("local", "local_2", "LAGGING");
        JsonNode lagging = health.provider("local", "local_2");
        assertThat(lagging.path("lag").asLong()).as(lagging.toString()).isEqualTo(5);
        assertThat(lagging.path("head").asLong()).isEqualTo(start);
        assertThat(health.state("local", "local_1")).isEqualTo("UP");
        assertThat(health.provider("local", "local_1").path("head").asLong()).isEqualTo(start + 5);

        Map<String, Integer> whileLagging = servedBy(REQUESTS);
        assertThat(whileLagging).as("providers while local_2 lags").containsOnlyKeys("local_1");

        local2.mine(5);
        clock.advance(ROUND);
        health.awaitState("local", "local_2", "UP");
        assertThat(health.provider("local", "local_2").path("lag").asLong()).isZero();

        Map<String, Integer> caughtUp = servedBy(REQUESTS);
        assertThat(caughtUp).as("providers once local_2 caught up").containsOnlyKeys("local_1", "local_2");
    }

    @Test
    @Order(2)
    void laggingLocalNodesYieldToTheCloudTierWhileItHasAnUpProvider() {
        cloud1.mine(5);

        clock.advance(ROUND);
        health.awaitState("local", "local_1", "LAGGING");
        health.awaitState("local", "local_2", "LAGGING");
        assertThat(health.state("cloud", "cloud_1")).isEqualTo("UP");
        JsonNode serving = health.management("/actuator/health/tiergate/ethereum").json().path("components")
                .path("serving");
        assertThat(serving.path("details").path("servingTier").asString()).isEqualTo("cloud");

        for (int i = 0; i < REQUESTS; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Provider")).isEqualTo("cloud_1");
            assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
            assertThat(response.body()).contains("\"result\":\"0x" + Long.toHexString(cloud1.blockNumber()) + "\"");
        }

        local1.mine(5);
        local2.mine(5);
        clock.advance(ROUND);
        health.awaitState("local", "local_1", "UP");
        health.awaitState("local", "local_2", "UP");
        Map<String, Integer> caughtUp = servedBy(REQUESTS);
        assertThat(caughtUp).as("the local tier serves again").containsOnlyKeys("local_1", "local_2");
    }

    @Test
    @Order(3)
    void laggingNodesStillServeWhenNothingElseIsUsable() {
        long localHead = local1.blockNumber();
        cloud1.mine(5);
        clock.advance(ROUND);
        health.awaitState("local", "local_1", "LAGGING");
        health.awaitState("local", "local_2", "LAGGING");

        // The only provider at the head stops answering: the lagging nodes are better than nothing.
        cloud1.pause();
        try {
            for (int i = 0; i < 6; i++) {
                JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
                assertThat(response.status()).as("request %d: %s", i, response.body()).isEqualTo(200);
                assertThat(response.header("X-Tiergate-Tier")).isEqualTo("local");
                assertThat(response.body()).contains("\"result\":\"0x" + Long.toHexString(localHead) + "\"");
            }
            assertThat(health.state("cloud", "cloud_1")).isEqualTo("DOWN");
        } finally {
            cloud1.resume();
        }
        clock.advance(ROUND);
        health.awaitState("cloud", "cloud_1", "UP");
        health.awaitState("local", "local_1", "LAGGING");
    }

    @Test
    @Order(4)
    void requestsNamingABlockAboveAProvidersHeadSkipThatProviderWhileAnotherHasTheBlock() {
        long start = local2.blockNumber();
        local1.mine(2); // within max-lag-blocks: local_2 and cloud_1 stay UP
        clock.advance(ROUND);
        HealthEndpoints.await("local_1 reports head " + (start + 2),
                () -> health.provider("local", "local_1").path("head").asLong() == start + 2,
                () -> health.tier("local").body());
        assertThat(health.state("local", "local_2")).isEqualTo("UP");

        String newest = "\"0x" + Long.toHexString(start + 2) + "\"";
        String newer = "\"0x" + Long.toHexString(start + 1) + "\"";
        Map<String, String> namingNewBlocks = new HashMap<>();
        namingNewBlocks.put("eth_getBlockByNumber", "[" + newest + ",false]");
        namingNewBlocks.put("eth_getBlockTransactionCountByNumber", "[" + newer + "]");
        namingNewBlocks.put("eth_getBalance", "[\"" + ADDRESS + "\"," + newest + "]");
        namingNewBlocks.put("eth_getTransactionCount", "[\"" + ADDRESS + "\"," + newer + "]");
        namingNewBlocks.put("eth_getCode", "[\"" + ADDRESS + "\",{\"blockNumber\":" + newest + "}]");
        namingNewBlocks.put("eth_getStorageAt", "[\"" + ADDRESS + "\",\"0x0\"," + newest + "]");
        namingNewBlocks.put("eth_call",
                "[{\"to\":\"" + ADDRESS + "\",\"data\":\"0x\"},{\"blockNumber\":" + newest + "}]");
        namingNewBlocks.forEach((method, params) -> {
            for (int i = 0; i < 10; i++) {
                JsonRpcClient.Response response = rpc(request(i, method, params));
                assertThat(response.status()).as("%s: %s", method, response.body()).isEqualTo(200);
                assertThat(response.body()).as(method).contains("\"result\"");
                assertThat(response.header("X-Tiergate-Provider")).as("%s %s", method, params).isEqualTo("local_1");
                assertThat(response.header("X-Tiergate-Attempts")).as(method).isEqualTo("1");
            }
        });
        JsonRpcClient.Response block = rpc(request(1, "eth_getBlockByNumber", "[" + newest + ",false]"));
        assertThat(block.body()).contains("\"number\":" + newest);

        // Blocks both local nodes have, tags and block hashes restrict nothing: both serve.
        String old = "\"0x" + Long.toHexString(start) + "\"";
        Map<String, Integer> oldBlock = new HashMap<>();
        Map<String, Integer> latest = new HashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            oldBlock.merge(rpc(request(i, "eth_getBalance", "[\"" + ADDRESS + "\"," + old + "]"))
                    .header("X-Tiergate-Provider"), 1, Integer::sum);
            latest.merge(rpc(request(i, "eth_getBalance", "[\"" + ADDRESS + "\",\"latest\"]"))
                    .header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        assertThat(oldBlock).as("a block every node has").containsOnlyKeys("local_1", "local_2");
        assertThat(latest).as("\"latest\"").containsOnlyKeys("local_1", "local_2");
    }

    @Test
    @Order(5)
    void aBlockNoProviderHasYetIsStillAskedOfAProvider() {
        String future = "\"0x" + Long.toHexString(local1.blockNumber() + 1000) + "\"";
        JsonRpcClient.Response response = rpc(request(7, "eth_getBlockByNumber", "[" + future + ",false]"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"id\":7").contains("\"result\":null");
        assertThat(response.header("X-Tiergate-Tier")).isEqualTo("local");
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
