package io.tiergate.websocket;

import static io.tiergate.websocket.Subscriptions.WAIT;
import static io.tiergate.websocket.Subscriptions.assertConsecutive;
import static io.tiergate.websocket.Subscriptions.receive;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.Eventually;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Subscriptions across tiers: one local and one cloud anvil node, independent chains mining a block a second. A
 * subscription that fell to the cloud tier moves back once the local node is usable again, and a logs
 * subscription re-reads what it may have missed while it moved.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSocketTierRecoveryIT extends GatewayTest {

    private static final String SENDER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    /** An account given code that emits LOG1 with topic = the first 32 bytes of calldata, on both nodes. */
    private static final String EMITTER = "0x000000000000000000000000000000000000beef";
    private static final String EMITTER_CODE = "0x60003560006000a100";
    private static final Pattern BLOCK_NUMBER = Pattern.compile("\"blockNumber\"\\s*:\\s*\"0x([0-9a-f]+)\"");
    private static final Pattern RESULT = Pattern.compile("\"result\"\\s*:\\s*\"(0x[0-9a-fA-F]*)\"");

    static final AnvilNode local1 = AnvilNode.start(List.of("--block-time", "1"));
    static final AnvilNode cloud1 = AnvilNode.start(List.of("--block-time", "1"));

    @Autowired
    MeterRegistry meters;

    @Autowired
    NetworkRegistry networks;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()).set("ws-url", local1.wsUrl()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud1.url()).set("ws-url", cloud1.wsUrl()))
                .set("timeout", "2s")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        local1.close();
        cloud1.close();
    }

    @BeforeEach
    void bothNodesServe() {
        if (!local1.isAlive()) {
            local1.restart();
        }
        // Past provider-cooldown (30 s) and the breaker's open-duration (60 s) of earlier failures.
        clock.advance(Duration.ofSeconds(61));
        networks.defaultNetwork().providers().forEach(Provider::reinstate);
    }

    @Test
    @Order(1)
    void aSubscriptionOnTheCloudTierMovesBackToTheLocalNodeOnceItRecoversWithEveryBlockOnceInOrder() {
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/")) {
            String id = ws.subscribe("[\"newHeads\"]");
            List<Long> blocks = new ArrayList<>();
            receive(ws, id, blocks, 2);
            assertThat(servingProvider("newHeads")).isEqualTo("local_1");

            local1.kill();
            receive(ws, id, blocks, 3);
            assertThat(servingProvider("newHeads")).isEqualTo("cloud_1");
            double returns = upstreamReturns();

            // The restarted node is a new chain from block 0: mined to a few blocks past the cloud node, as a
            // recovered node that caught up would be.
            local1.restart();
            local1.mine((int) (cloud1.blockNumber() - local1.blockNumber() + 3));
            receive(ws, id, blocks, 1);
            assertThat(servingProvider("newHeads")).as("while its socket's failure is recent (provider-cooldown)")
                    .isEqualTo("cloud_1");

            clock.advance(Duration.ofSeconds(31));
            Eventually.await("the subscription moved back to local_1", () -> "local_1".equals(holder("newHeads")),
                    () -> String.valueOf(holder("newHeads")), WAIT);
            receive(ws, id, blocks, 4);

            assertThat(servingProvider("newHeads")).isEqualTo("local_1");
            assertThat(upstreamReturns()).isEqualTo(returns + 1);
            assertConsecutive(blocks);
            assertThat(ws.untaken()).noneMatch(m -> m.contains("\"error\""));
        }
    }

    @Test
    @Order(2)
    void aLogsSubscriptionThatMovesReadsBackTheLogsItMissedAndDeliversEachOnce() {
        for (AnvilNode node : List.of(local1, cloud1)) {
            node.call("anvil_setCode", "[\"" + EMITTER + "\",\"" + EMITTER_CODE + "\"]");
        }
        String first = "0x" + "11".repeat(32);
        String missed = "0x" + "22".repeat(32);
        String after = "0x" + "33".repeat(32);
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/")) {
            String id = ws.subscribe("[\"logs\",{\"address\":\"" + EMITTER + "\"}]");
            assertThat(servingProvider("logs")).isEqualTo("local_1");
            long delivered = emit(local1, first);
            assertThat(ws.notification(id, WAIT)).contains(first);

            // A matching log in a block after the last delivered one, on the node the subscription moves to: the
            // local subscription never sees it (another chain), as a live one misses logs mined while it moves.
            long behind = delivered + 1 - cloud1.blockNumber();
            if (behind > 0) {
                cloud1.mine((int) behind);
            }
            long missedBlock = emit(cloud1, missed);
            assertThat(missedBlock).isGreaterThan(delivered);
            local1.kill();

            String backfilled = ws.notification(id, WAIT);
            assertThat(backfilled).contains(missed);
            assertThat(servingProvider("logs")).isEqualTo("cloud_1");
            long afterBlock = emit(cloud1, after);
            assertThat(ws.notification(id, WAIT)).contains(after);

            // Two more blocks: a log delivered twice (by the backfill and the new subscription) would be here by now.
            Eventually.await("two more blocks on cloud_1", () -> cloud1.blockNumber() >= afterBlock + 2);
            assertThat(ws.untaken()).as("no log twice, nothing else").noneMatch(m -> id.equals(WsClient.subscriptionOf(m)));
            assertThat(meters.find("tiergate.websocket.backfill.logs").counter().count()).isPositive();
        }
    }

    /** Sends a transaction that emits {@code topic} and returns the block it was mined in. */
    private static long emit(AnvilNode node, String topic) {
        String hash = match(RESULT, node.call("eth_sendTransaction", "[{\"from\":\"" + SENDER + "\",\"to\":\"" + EMITTER
                + "\",\"data\":\"" + topic + "\",\"gas\":\"0x100000\"}]"));
        long[] block = {-1};
        Eventually.await("transaction mined", () -> {
            Matcher m = BLOCK_NUMBER.matcher(node.call("eth_getTransactionReceipt", "[\"" + hash + "\"]"));
            if (m.find()) {
                block[0] = Long.parseLong(m.group(1), 16);
            }
            return block[0] >= 0;
        });
        return block[0];
    }

    private static String match(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        assertThat(m.find()).as("%s in %s", pattern, body).isTrue();
        return m.group(1);
    }

    private double upstreamReturns() {
        Counter c = meters.find("tiergate.websocket.upstream.returns").tag("kind", "newHeads").counter();
        return c == null ? 0 : c.count();
    }

    private String servingProvider(String kind) {
        return Subscriptions.servingProvider(meters, kind);
    }

    private String holder(String kind) {
        return Subscriptions.holder(meters, kind);
    }
}
