package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tier priority against real nodes: three tiers of anvil nodes (local x2, cloud, public) on the default
 * network, plus a second network (arbitrum, its own anvil with chain id 42161) reached by path.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TierOrderIT extends GatewayTest {

    private static final Duration OPEN_DURATION = Duration.ofSeconds(30);

    static final AnvilNode local1 = AnvilNode.start();
    static final AnvilNode local2 = AnvilNode.start();
    static final AnvilNode cloud = AnvilNode.start();
    static final AnvilNode publicNode = AnvilNode.start();
    static final AnvilNode arbitrum = AnvilNode.start(42161);

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()),
                        TestNetwork.provider("local_2", local2.url()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud.url()))
                .tier("public", TestNetwork.provider("public_1", publicNode.url()))
                .set("circuit-breaker.open-duration", OPEN_DURATION.toSeconds() + "s")
                .register(registry);
        TestNetwork.named("arbitrum")
                .tier("local", TestNetwork.provider("arb_local", arbitrum.url()))
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        local1.close();
        local2.close();
        cloud.close();
        publicNode.close();
        arbitrum.close();
    }

    @Test
    @Order(1)
    void servesFromFirstTierWhileItIsUsable() {
        Map<String, Integer> byProvider = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Tier")).isEqualTo("local");
            assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
            assertThat(response.body()).contains("\"id\":" + i).contains("\"result\":\"0x");
            byProvider.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        // Both local nodes share the tier's load; cloud and public never see a request.
        assertThat(byProvider).containsOnlyKeys("local_1", "local_2");
    }

    @Test
    @Order(2)
    void namedNetworkIsRoutedToItsOwnNodesAndRootToTheDefaultNetwork() {
        JsonRpcClient.Response named = client.post(gatewayUrl() + "arbitrum", request(1, "eth_chainId", "[]"));
        assertThat(named.status()).isEqualTo(200);
        assertThat(named.body()).contains("\"result\":\"0xa4b1\"");
        assertThat(named.header("X-Tiergate-Provider")).isEqualTo("arb_local");

        JsonRpcClient.Response root = rpc(request(2, "eth_chainId", "[]"));
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.body()).contains("\"result\":\"0x7a69\"");
        assertThat(root.header("X-Tiergate-Tier")).isEqualTo("local");

        JsonRpcClient.Response explicitDefault = client.post(gatewayUrl() + "ethereum", request(3, "eth_chainId", "[]"));
        assertThat(explicitDefault.body()).contains("\"result\":\"0x7a69\"");
    }

    @Test
    @Order(3)
    void unknownNetworkGets404WithJsonRpcError() {
        JsonRpcClient.Response response = client.post(gatewayUrl() + "polygon", request(1, "eth_chainId", "[]"));
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).contains("\"code\":-32001").contains("\"id\":null");
    }

    @Test
    @Order(4)
    void eachLowerTierServesOnlyWhenEveryHigherTierIsDown() {
        try {
            local1.kill();
            local2.kill();
            // The first requests still try the dead local nodes (connection refused) and fail over.
            for (int i = 0; i < 10; i++) {
                JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).contains("\"result\":\"0x");
                assertThat(response.header("X-Tiergate-Tier")).isEqualTo("cloud");
            }

            cloud.kill();
            for (int i = 0; i < 10; i++) {
                JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).contains("\"result\":\"0x");
                assertThat(response.header("X-Tiergate-Tier")).isEqualTo("public");
            }

            // Cloud comes back first: once its breaker may half-open it serves again, ahead of public.
            cloud.restart();
            clock.advance(OPEN_DURATION.plusSeconds(1));
            JsonRpcClient.Response response = rpc(request(99, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Tier")).isEqualTo("cloud");
        } finally {
            if (!local1.isAlive()) {
                local1.restart();
            }
            if (!local2.isAlive()) {
                local2.restart();
            }
            if (!cloud.isAlive()) {
                cloud.restart();
            }
        }
        clock.advance(OPEN_DURATION.plusSeconds(1));
        for (int i = 0; i < 10; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Tier")).isEqualTo("local");
        }
    }
}
