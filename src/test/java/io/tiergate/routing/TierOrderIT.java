package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class TierOrderIT extends GatewayTest {

    static final AnvilNode local = AnvilNode.start();
    static final AnvilNode cloud = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local.url()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud.url()))
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        local.close();
        cloud.close();
    }

    @Test
    void servesFromFirstTierWhileItIsUsable() {
        for (int i = 0; i < 20; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Tier")).isEqualTo("local");
            assertThat(response.body()).contains("\"id\":" + i).contains("\"result\":\"0x");
        }
    }
}
