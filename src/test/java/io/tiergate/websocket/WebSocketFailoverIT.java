package io.tiergate.websocket;

import static io.tiergate.websocket.Subscriptions.assertConsecutive;
import static io.tiergate.websocket.Subscriptions.receive;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.tiergate.provider.AdminState;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A newHeads subscription outlives its providers: three independent anvil nodes mine a block a second (two
 * local, one cloud). The serving provider is drained, then frozen (SIGSTOP: only unanswered pings tell), then
 * killed with SIGKILL, then the next one is killed; the client
 * keeps its subscription id and sees strictly consecutive block numbers throughout: the nodes' chains are
 * independent, so numbers the next node repeats are dropped and numbers it skipped ahead are fetched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSocketFailoverIT extends GatewayTest {

    static final AnvilNode local1 = AnvilNode.start(List.of("--block-time", "1"));
    static final AnvilNode local2 = AnvilNode.start(List.of("--block-time", "1"));
    static final AnvilNode cloud1 = AnvilNode.start(List.of("--block-time", "1"));

    @Autowired
    MeterRegistry meters;

    @Autowired
    NetworkRegistry networks;

    private final Map<String, AnvilNode> nodes = Map.of("local_1", local1, "local_2", local2, "cloud_1", cloud1);

    @BeforeEach
    void everyProviderServesAgain() {
        // A provider whose socket failed is passed over for provider-cooldown (30s) on the app clock, and gap
        // fills routed to a frozen node may have opened its breaker: each test starts from healthy providers.
        clock.advance(Duration.ofSeconds(31));
        networks.defaultNetwork().providers().forEach(Provider::reinstate);
    }

    @Test
    @Order(1)
    void drainingTheServingProviderMovesTheSubscriptionWithoutGapsOrDuplicates() {
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/")) {
            String id = ws.subscribe("[\"newHeads\"]");
            List<Long> blocks = new ArrayList<>();
            receive(ws, id, blocks, 2);
            String first = servingProvider();
            Provider drained = networks.defaultNetwork().provider(first);
            drained.adminState(AdminState.DRAINED);
            try {
                receive(ws, id, blocks, 4);
                assertThat(servingProvider()).isNotEqualTo(first);
            } finally {
                drained.adminState(AdminState.ACTIVE);
            }
            assertConsecutive(blocks);
            assertNoErrors(ws);
        }
    }

    @Test
    @Order(2)
    void aProviderThatStopsAnsweringPingsIsLeftAndBlocksContinue() {
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/")) {
            String id = ws.subscribe("[\"newHeads\"]");
            List<Long> blocks = new ArrayList<>();
            receive(ws, id, blocks, 2);
            String first = servingProvider();
            AnvilNode frozen = nodes.get(first);
            frozen.pause();
            try {
                receive(ws, id, blocks, 4);
                assertThat(servingProvider()).isNotEqualTo(first);
            } finally {
                frozen.resume();
            }
            assertConsecutive(blocks);
            assertNoErrors(ws);
        }
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local",
                        TestNetwork.provider("local_1", local1.url()).set("ws-url", local1.wsUrl()),
                        TestNetwork.provider("local_2", local2.url()).set("ws-url", local2.wsUrl()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud1.url()).set("ws-url", cloud1.wsUrl()))
                .set("timeout", "2s")
                .register(registry);
        // Pings every 2 s: a provider that stops answering is given up after three silent intervals (6 s). Not
        // shorter: on a loaded machine a live anvil can go quiet for a few seconds.
        registry.add("tiergate.websocket.ping-interval", () -> "2s");
    }

    @AfterAll
    static void stopNodes() {
        local1.close();
        local2.close();
        cloud1.close();
    }

    @Test
    @Order(3)
    void newHeadsKeepsItsIdAndEveryBlockOnceInOrderWhenServingProvidersAreKilled() {
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/ethereum")) {
            String id = ws.subscribe("[\"newHeads\"]");
            List<Long> blocks = new ArrayList<>();
            receive(ws, id, blocks, 3);

            String first = servingProvider();
            assertThat(first).startsWith("local_");
            nodes.get(first).kill();
            receive(ws, id, blocks, 5);
            String second = servingProvider();
            assertThat(second).as("same tier first").isNotEqualTo(first).startsWith("local_");

            nodes.get(second).kill();
            receive(ws, id, blocks, 5);
            assertThat(servingProvider()).as("then the lower tier").isEqualTo("cloud_1");

            assertConsecutive(blocks);
            assertThat(meters.find("tiergate.websocket.upstream.switches").tag("kind", "newHeads").counter().count())
                    .isGreaterThanOrEqualTo(2);
            assertNoErrors(ws);
        }
    }

    /** Every message was a notification or an answer: pongs to tiergate's pings were never taken for requests. */
    private static void assertNoErrors(WsClient ws) {
        assertThat(ws.untaken()).noneMatch(m -> m.contains("\"error\""));
    }

    private String servingProvider() {
        return Subscriptions.servingProvider(meters, "newHeads");
    }
}
