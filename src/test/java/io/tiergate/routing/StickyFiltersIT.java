package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tiergate.provider.AdminState;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Filters are tied to the node that made them: through a round-robin tier of two anvil nodes (which would
 * alternate every call), every call on a filter reaches its node, single or in a batch; a filter whose node is
 * out of service, or an id tiergate never gave, gets the node's own "filter not found" at once.
 */
class StickyFiltersIT extends GatewayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final AnvilNode node1 = AnvilNode.start();
    static final AnvilNode node2 = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("node_1", node1.url()), TestNetwork.provider("node_2", node2.url()))
                .set("strategy", "round-robin")
                .set("chain-id", "31337")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        node1.close();
        node2.close();
    }

    @Autowired
    NetworkRegistry registry;

    @AfterEach
    void everyProviderBack() {
        registry.defaultNetwork().providers().forEach(p -> p.adminState(AdminState.ACTIVE));
    }

    private JsonNode call(String method, String params) {
        return JSON.readTree(rpc(request(1, method, params)).body());
    }

    private String newFilter(String method, String params) {
        JsonNode created = call(method, params);
        assertThat(created.path("result").asString()).as(created.toString()).startsWith("0x");
        return created.path("result").asString();
    }

    @Test
    void everyCallOnABlockFilterReachesTheNodeThatMadeIt() {
        String id = newFilter("eth_newBlockFilter", "[]");
        for (int i = 0; i < 20; i++) {
            JsonNode changes = call("eth_getFilterChanges", "[\"" + id + "\"]");
            assertThat(changes.path("result").isArray()).as("call " + i + ": " + changes).isTrue();
        }
        assertThat(call("eth_uninstallFilter", "[\"" + id + "\"]").path("result").asBoolean()).isTrue();
        JsonNode gone = call("eth_getFilterChanges", "[\"" + id + "\"]");
        assertThat(gone.path("error").path("message").asString()).as("uninstalled on its node").isEqualTo("filter not found");
    }

    @Test
    void aLogFilterIsReadOnItsNodeAlsoInsideABatch() {
        String id = newFilter("eth_newFilter", "[{}]");
        for (int i = 0; i < 10; i++) {
            JsonNode logs = call("eth_getFilterLogs", "[\"" + id + "\"]");
            assertThat(logs.path("result").isArray()).as("call " + i + ": " + logs).isTrue();
            JsonNode batch = JSON.readTree(rpc("[" + request(1, "eth_getFilterChanges", "[\"" + id + "\"]") + ","
                    + request(2, "eth_blockNumber", "[]") + "]").body());
            assertThat(batch.get(0).path("result").isArray()).as("batch " + i + ": " + batch).isTrue();
            assertThat(batch.get(1).path("result").asString()).startsWith("0x");
        }
    }

    @Test
    void aFilterWhoseNodeIsOutOfServiceOrUnknownIsNotFoundAtOnce() {
        String id = newFilter("eth_newBlockFilter", "[]");
        Provider owner = registry.defaultNetwork().providers().stream()
                .filter(p -> id.startsWith("0x" + FilterPins.tag(p))).findFirst().orElseThrow();
        owner.adminState(AdminState.DRAINED);

        JsonNode drained = call("eth_getFilterChanges", "[\"" + id + "\"]");
        assertThat(drained.path("error").path("code").asInt()).as(drained.toString()).isEqualTo(-32000);
        assertThat(drained.path("error").path("message").asString()).isEqualTo("filter not found");
        JsonNode unknown = call("eth_getFilterChanges", "[\"0xdeadbeef\"]");
        assertThat(unknown.path("error").path("message").asString()).as(unknown.toString()).isEqualTo("filter not found");
        assertThat(call("eth_uninstallFilter", "[\"0x1234\"]").path("result").asBoolean())
                .as("as a node answers an unknown uninstall").isFalse();
        assertThat(registry.defaultNetwork().providers())
                .allSatisfy(p -> assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED));
    }
}
