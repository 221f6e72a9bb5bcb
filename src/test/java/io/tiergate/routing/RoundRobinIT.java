package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** round-robin: an even rotation over the tier's nodes, whatever their weights. */
class RoundRobinIT extends GatewayTest {

    static final AnvilNode node1 = AnvilNode.start();
    static final AnvilNode node2 = AnvilNode.start();
    static final AnvilNode node3 = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("rr_1", node1.url()).weight(300),
                        TestNetwork.provider("rr_2", node2.url()).weight(100),
                        TestNetwork.provider("rr_3", node3.url()).weight(10))
                .set("strategy", "round-robin")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        node1.close();
        node2.close();
        node3.close();
    }

    @Test
    void rotatesEvenlyOverThreeNodesIgnoringTheirWeights() {
        Map<String, Integer> byProvider = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"result\":\"0x");
            assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
            String provider = response.header("X-Tiergate-Provider");
            byProvider.merge(provider, 1, Integer::sum);
            order.add(provider);
        }
        System.out.println("round-robin, 300 requests: " + byProvider);

        assertThat(byProvider).containsOnlyKeys("rr_1", "rr_2", "rr_3");
        assertThat(byProvider.values()).allSatisfy(count -> assertThat(count).isEqualTo(100));
        // A rotation, not merely an even total: no node serves two requests in a row.
        for (int i = 1; i < order.size(); i++) {
            assertThat(order.get(i)).as("request %d", i).isNotEqualTo(order.get(i - 1));
        }
    }
}
