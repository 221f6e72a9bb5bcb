package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tiergate.provider.HealthState;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client's own mistakes never count against a provider: requests every node refuses (an unknown block hash,
 * an unknown tracer, a lone surrogate it cannot read), sent 20 times each to two tiers of real anvil nodes with
 * breakers that open after 3 failures, get the node's own error and leave every breaker closed and every
 * provider in service. Before, four such requests took all three providers out.
 */
class ClientMistakesIT extends GatewayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String UNKNOWN_HASH = "0x" + "11".repeat(32);

    static final AnvilNode local1 = AnvilNode.start();
    static final AnvilNode local2 = AnvilNode.start();
    static final AnvilNode cloud = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()), TestNetwork.provider("local_2", local2.url()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud.url()))
                .set("chain-id", "31337")
                .set("max-failures", "3")
                .set("circuit-breaker.failure-threshold", "3")
                .set("circuit-breaker.open-duration", "10m")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        local1.close();
        local2.close();
        cloud.close();
    }

    @Autowired
    NetworkRegistry registry;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[{\"blockHash\":\"" + "0x" + "1111111111111111111111111111111111111111111111111111111111111111" + "\"}]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"debug_traceTransaction\",\"params\":[\"" + "0x" + "1111111111111111111111111111111111111111111111111111111111111111" + "\",{\"tracer\":\"noSuchTracer\"}]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"\\ud800\",\"latest\"]}"
    })
    void aRequestEveryNodeRefusesGetsTheNodesErrorAndTakesNoProviderOut(String body) {
        JsonNode direct = JSON.readTree(client.post(local1.url(), body).body()).path("error");
        assertThat(direct.isObject()).as("anvil refuses it: " + direct).isTrue();

        for (int i = 0; i < 20; i++) {
            JsonRpcClient.Response response = rpc(body);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(response.body());
            assertThat(answer.path("error")).as("the node's own error, round " + i).isEqualTo(direct);
            assertThat(answer.path("id").asInt()).isEqualTo(1);
        }

        List<Provider> providers = registry.defaultNetwork().providers();
        assertThat(providers).hasSize(3).allSatisfy(p -> {
            assertThat(p.breaker().getState()).as(p.name()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(p.state()).as(p.name()).isNotIn(HealthState.DOWN, HealthState.RATE_LIMITED);
            assertThat(p.availability().selectable()).as(p.name()).isTrue();
        });
        assertThat(rpc("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_blockNumber\",\"params\":[]}").header("X-Tiergate-Tier"))
                .as("still served by the first tier").isEqualTo("local");
    }
}
