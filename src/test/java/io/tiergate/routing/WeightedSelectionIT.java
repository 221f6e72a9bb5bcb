package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** priority-weighted (the default strategy): two healthy local nodes share the load in proportion to their weights. */
class WeightedSelectionIT extends GatewayTest {

    private static final int REQUESTS = 1_000;

    static final AnvilNode heavy = AnvilNode.start();
    static final AnvilNode light = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("heavy", heavy.url()).weight(100),
                        TestNetwork.provider("light", light.url()).weight(25))
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        heavy.close();
        light.close();
    }

    @Test
    void spreadsRequestsEightyTwentyForWeightsHundredAndTwentyFive() {
        Map<String, Integer> byProvider = new HashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"result\":\"0x");
            assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
            byProvider.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        System.out.printf("priority-weighted, %d requests: %s%n", REQUESTS, byProvider);

        assertThat(byProvider).containsOnlyKeys("heavy", "light");
        double heavyShare = byProvider.get("heavy") / (double) REQUESTS;
        double lightShare = byProvider.get("light") / (double) REQUESTS;
        assertThat(heavyShare).isCloseTo(0.80, within(0.05));
        assertThat(lightShare).isCloseTo(0.20, within(0.05));
    }
}
