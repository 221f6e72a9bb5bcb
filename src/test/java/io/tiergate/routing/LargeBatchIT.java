package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * viem's default batch (up to 1,000 calls) is served: a client batch larger than upstream-batch-size goes to the
 * node in chunks sent at once, and the answers come back in the client's order with the client's ids.
 */
class LargeBatchIT extends GatewayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final AnvilNode node = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum").tier("local", TestNetwork.provider("node", node.url()))
                .set("chain-id", "31337").register(registry);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String batch(int size) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String address = String.format("0x%040x", i);
            items.add(request("c" + i, "eth_getBalance", "[\"" + address + "\",\"latest\"]"));
        }
        return "[" + String.join(",", items) + "]";
    }

    @Autowired
    MeterRegistry meters;

    private double upstreamCalls() {
        return meters.find("tiergate.upstream.calls").tag("provider", "node").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aBatchOfAThousandIsAnsweredInOrderInChunksOfAHundred() {
        double before = upstreamCalls();
        JsonRpcClient.Response response = rpc(batch(1000));

        assertThat(response.status()).isEqualTo(200);
        JsonNode answers = JSON.readTree(response.body());
        assertThat(answers.size()).isEqualTo(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(answers.get(i).path("id").asString()).isEqualTo("c" + i);
            assertThat(answers.get(i).path("result").asString()).as(answers.get(i).toString()).startsWith("0x");
        }
        assertThat(upstreamCalls() - before).as("ten upstream batches").isEqualTo(10);
    }

    @Test
    void oneMoreThanMaxBatchSizeIsRefusedAsBefore() {
        JsonRpcClient.Response response = rpc(batch(1001));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("batch too large: at most 1000 requests per batch");
    }
}
