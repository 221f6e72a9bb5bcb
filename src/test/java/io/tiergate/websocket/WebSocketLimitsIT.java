package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.Eventually;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Per-connection limits, with small values: a 64KB outbound buffer, 2 subscriptions per connection and 16KB
 * client messages. A client that stops reading is closed (1008 "too slow") and counted, others carry on.
 */
class WebSocketLimitsIT extends GatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** eth_call of code that returns 50,000 zero bytes: an answer of about 100KB of hex. */
    private static final String BIG_ANSWER_CALL = "[{\"to\":\"0x0000000000000000000000000000000000000123\",\"data\":\"0x\"},"
            + "\"latest\",{\"0x0000000000000000000000000000000000000123\":{\"code\":\"0x61c3506000f3\"}}]";

    static final AnvilNode node = AnvilNode.start(List.of("--block-time", "1"));

    @Autowired
    MeterRegistry meters;

    @Autowired
    Environment environment;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", node.url()).set("ws-url", node.wsUrl()))
                .register(registry);
        registry.add("tiergate.websocket.outbound-buffer", () -> "64KB");
        registry.add("tiergate.websocket.max-subscriptions-per-connection", () -> "2");
        registry.add("tiergate.websocket.max-message-size", () -> "16KB");
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    private String wsUrl() {
        return "ws://127.0.0.1:" + port + "/";
    }

    @Test
    void aClientThatDoesNotReadIsClosedAsTooSlowWhileOthersKeepReceiving() throws Exception {
        try (WsClient fast = WsClient.connect(wsUrl()); WsClient slow = WsClient.slow(wsUrl())) {
            String fastId = fast.subscribe("[\"newHeads\"]");
            fast.notification(fastId, WAIT);
            double before = slowClients();
            // The slow client asks for large answers and reads none: socket buffers fill, then its queue. All the
            // requests go out at once, so the client is not still sending when it is closed.
            for (int id = 0; id < 400; id++) {
                slow.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"eth_call\",\"params\":" + BIG_ANSWER_CALL + "}");
            }
            awaitSlowClients(before + 1);

            long a = WsClient.blockNumber(fast.notification(fastId, WAIT));
            long b = WsClient.blockNumber(fast.notification(fastId, WAIT));
            assertThat(b).isEqualTo(a + 1);

            slow.startReading();
            int[] code = slow.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(code[0]).as("closed with %s", slow.closeReason).isEqualTo(1008);
            assertThat(slow.closeReason).startsWith("too slow");
        }
    }

    @Test
    void subscriptionsPerConnectionAreLimited() {
        try (WsClient ws = WsClient.connect(wsUrl())) {
            ws.subscribe("[\"newHeads\"]");
            ws.subscribe("[\"newPendingTransactions\"]");
            assertThat(ws.call("eth_subscribe", "[\"logs\",{}]"))
                    .contains("\"code\":-32600", "too many subscriptions: at most 2 per connection");
        }
    }

    @Test
    void unsupportedSubscriptionKindsAreRefused() {
        try (WsClient ws = WsClient.connect(wsUrl())) {
            assertThat(ws.call("eth_subscribe", "[\"syncing\"]")).contains("\"code\":-32602", "unsupported subscription 'syncing'");
            assertThat(ws.call("eth_subscribe", "[]")).contains("\"code\":-32602");
        }
    }

    @Test
    void aMessageOverTheSizeLimitInSmallFramesClosesTheConnectionWith1009MessageTooBig() throws Exception {
        double before = oversizedMessages();
        try (WsClient ws = WsClient.connect(wsUrl())) {
            // Each frame is under the limit; the message they make up is not (netty's aggregator refuses it).
            ws.sendFragmented(bigCall(), 4096);
            assertThat(ws.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)[0]).as("closed with %s", ws.closeReason)
                    .isEqualTo(1009);
            assertThat(ws.closeReason).isEqualTo("message too big: at most 16384 bytes");
        }
        assertThat(oversizedMessages()).isEqualTo(before + 1);
    }

    @Test
    void aSingleFrameOverTheSizeLimitClosesTheConnectionWith1009MessageTooBig() throws Exception {
        double before = oversizedMessages();
        try (NettyWsClient ws = new NettyWsClient(wsUrl())) {
            // One frame over the limit: netty's frame decoder refuses it as soon as it reads the frame's length.
            ws.send(bigCall());
            WebSocketCloseStatus status = ws.closeStatus.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.code()).as("closed with %s", status).isEqualTo(1009);
            assertThat(status.reasonText()).contains("16384");
        }
        Eventually.await("the oversized message counted", () -> oversizedMessages() == before + 1,
                () -> "" + oversizedMessages());
    }

    private double oversizedMessages() {
        Counter c = meters.find("tiergate.websocket.oversized.messages").counter();
        return c == null ? 0 : c.count();
    }

    private static String bigCall() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[\"" + "a".repeat(20_000) + "\"]}";
    }

    @Test
    void anUnknownNetworkIsClosedWithItsName() throws Exception {
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/nosuchnet")) {
            assertThat(ws.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)[0]).isEqualTo(1008);
            assertThat(ws.closeReason).isEqualTo("unknown network 'nosuchnet'");
        }
    }

    @Test
    void theManagementPortRefusesWebSocketUpgrades() {
        String management = "ws://127.0.0.1:" + environment.getProperty("local.management.port") + "/";
        assertThatThrownBy(() -> WsClient.connect(management)).hasCauseInstanceOf(WebSocketHandshakeException.class)
                .hasStackTraceContaining("status code 401");
    }

    @Test
    void httpPostOnTheSamePathsStillServesJsonRpc() {
        assertThat(rpc(request(1, "eth_chainId", "[]")).body()).contains("\"result\":\"0x7a69\"");
    }

    private void awaitSlowClients(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (slowClients() != expected) {
            assertThat(System.nanoTime()).as("slow clients counted: %s", slowClients()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private double slowClients() {
        Counter c = meters.find("tiergate.websocket.slow.clients").counter();
        return c == null ? 0 : c.count();
    }

}
