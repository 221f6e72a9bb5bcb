package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * JSON-RPC and subscriptions over WebSocket against two real anvil nodes mining a block a second. local_1
 * (weight 100) serves both HTTP and subscriptions while it is usable; local_2 has weight 0 (no traffic while
 * local_1 serves), so a transaction sent over HTTP lands on the node the subscriptions watch.
 */
class WebSocketSubscriptionIT extends GatewayTest {

    private static final String SENDER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    private static final String RECIPIENT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    /** Creation code of a contract whose every call emits LOG1 with topic = the first 32 bytes of calldata. */
    private static final String EMITTER = "0x6860003560006000a10060005260096017f3";
    private static final Pattern RESULT = Pattern.compile("\"result\"\\s*:\\s*\"(0x[0-9a-fA-F]*)\"");
    private static final Pattern CONTRACT = Pattern.compile("\"contractAddress\"\\s*:\\s*\"(0x[0-9a-fA-F]{40})\"");
    private static final Duration WAIT = Duration.ofSeconds(15);

    static final AnvilNode node1 = AnvilNode.start(List.of("--block-time", "1"));
    static final AnvilNode node2 = AnvilNode.start(List.of("--block-time", "1"));

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local",
                        TestNetwork.provider("local_1", node1.url()).weight(100).set("ws-url", node1.wsUrl()),
                        TestNetwork.provider("local_2", node2.url()).weight(0).set("ws-url", node2.wsUrl()))
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        node1.close();
        node2.close();
    }

    private String wsUrl() {
        return "ws://127.0.0.1:" + port + "/";
    }

    @Test
    void ordinaryCallsAndBatchesOverWebSocketAreRoutedAsOverHttp() {
        double chainIdCalls = requests("eth_chainId", "success");
        double denied = requests("other", "denied");
        try (WsClient ws = WsClient.connect(wsUrl())) {
            ws.send("{\"jsonrpc\":\"2.0\",\"id\":\"my-id\",\"method\":\"eth_chainId\",\"params\":[]}");
            assertThat(ws.take(m -> m.contains("my-id"), WAIT))
                    .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"my-id\",\"result\":\"0x7a69\"}");

            ws.send("[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_blockNumber\",\"params\":[]},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"anvil_mine\",\"params\":[]},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":9},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"net_version\",\"params\":[]}]");
            String batch = ws.take(m -> m.startsWith("["), WAIT);
            assertThat(batch).matches("\\[\\{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x[0-9a-f]+\"},"
                    + "\\{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":\\{\"code\":-32601,\"message\":\"method not allowed: anvil_mine\"}},"
                    + "\\{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":\\{\"code\":-32600,\"message\":\"invalid request: missing method\"}},"
                    + "\\{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":\"31337\"}]");

            ws.send("not json");
            assertThat(ws.take(m -> m.contains("-32700"), WAIT)).contains("\"id\":null");
            // The socket stays usable after bad input.
            assertThat(ws.call("net_version", "[]")).contains("\"result\":\"31337\"");
        }
        // Counted in the same request meters as HTTP calls.
        assertThat(requests("eth_chainId", "success")).isEqualTo(chainIdCalls + 1);
        assertThat(requests("other", "denied")).isEqualTo(denied + 1);
    }

    private double requests(String method, String outcome) {
        var counter = meters.find("tiergate.requests").tag("method", method).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void newHeadsDeliversConsecutiveBlocksUnderTheClientsSubscriptionId() {
        try (WsClient ws = WsClient.connect(wsUrl())) {
            String id = ws.subscribe("[\"newHeads\"]");
            assertThat(id).matches("0x[0-9a-f]{32}");
            List<Long> numbers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String notification = ws.notification(id, WAIT);
                assertThat(notification).startsWith("{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":\"" + id + "\",\"result\":{");
                numbers.add(WsClient.blockNumber(notification));
            }
            for (int i = 1; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).as("blocks %s", numbers).isEqualTo(numbers.get(i - 1) + 1);
            }
            assertThat(ws.call("eth_unsubscribe", "[\"" + id + "\"]")).contains("\"result\":true");
            assertThat(ws.call("eth_unsubscribe", "[\"" + id + "\"]")).contains("\"result\":false");
        }
    }

    @Test
    void newPendingTransactionsSeesATransactionSentThroughTheGatewayOverHttp() {
        try (WsClient ws = WsClient.connect(wsUrl())) {
            String id = ws.subscribe("[\"newPendingTransactions\"]");
            String sent = rpc(request(1, "eth_sendTransaction",
                    "[{\"from\":\"" + SENDER + "\",\"to\":\"" + RECIPIENT + "\",\"value\":\"0x1\"}]")).body();
            String hash = result(sent);
            String notification = ws.take(m -> id.equals(WsClient.subscriptionOf(m)) && m.contains(hash), WAIT);
            assertThat(notification).contains("\"result\":\"" + hash + "\"");
        }
    }

    @Test
    void logsSubscriptionWithAFilterDeliversMatchingLogsOnly() throws Exception {
        String contract = deployEmitter();
        String matching = "0x" + "ab".repeat(32);
        String other = "0x" + "cd".repeat(32);
        try (WsClient ws = WsClient.connect(wsUrl())) {
            String id = ws.subscribe("[\"logs\",{\"address\":\"" + contract + "\",\"topics\":[\"" + matching + "\"]}]");
            emit(contract, other);
            emit(contract, matching);
            String log = ws.notification(id, WAIT);
            assertThat(log).contains("\"topics\":[\"" + matching + "\"]").containsIgnoringCase(contract);
            // The non-matching log was mined no later than the matching one: had it passed, it would have come first.
            emit(contract, other);
            Thread.sleep(2500); // two more blocks pass on the nodes' own clock (anvil mines in real time)
            assertThat(ws.untaken()).noneMatch(m -> m.contains(other.substring(2)));
        }
    }

    @Test
    void hundredsOfClientsShareOneUpstreamSubscription() {
        int clients = 200;
        List<WsClient> sockets = new ArrayList<>();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                WsClient ws = WsClient.connect(wsUrl());
                sockets.add(ws);
                ids.add(ws.subscribe("[\"newHeads\"]"));
            }
            assertThat(new HashSet<>(ids)).hasSize(clients);
            awaitGauge("newHeads", 1);
            long latestFirst = 0;
            for (int i = 0; i < clients; i++) {
                latestFirst = Math.max(latestFirst, WsClient.blockNumber(sockets.get(i).notification(ids.get(i), WAIT)));
            }
            // Every client, whenever it joined, then gets the same next block from the one upstream subscription.
            long next = latestFirst + 1;
            for (int i = 0; i < clients; i++) {
                long block;
                do {
                    block = WsClient.blockNumber(sockets.get(i).notification(ids.get(i), WAIT));
                } while (block < next);
                assertThat(block).as("client %d", i).isEqualTo(next);
            }
            assertThat(upstreamSubscriptions("newHeads")).isEqualTo(1);
        } finally {
            sockets.forEach(WsClient::close);
        }
        // The last client gone, the upstream subscription is cancelled.
        awaitGauge("newHeads", 0);
    }

    private void awaitGauge(String kind, int expected) {
        Instant deadline = Instant.now().plus(WAIT);
        while (upstreamSubscriptions(kind) != expected) {
            assertThat(Instant.now()).as("upstream %s subscriptions stay at %s, expected %s", kind,
                    upstreamSubscriptions(kind), expected).isBefore(deadline);
            pause();
        }
    }

    private int upstreamSubscriptions(String kind) {
        return meters.find("tiergate.websocket.upstream.subscriptions").tag("kind", kind).gauges().stream()
                .mapToInt(g -> (int) g.value()).sum();
    }

    private String deployEmitter() {
        String hash = result(node1.call("eth_sendTransaction",
                "[{\"from\":\"" + SENDER + "\",\"data\":\"" + EMITTER + "\",\"gas\":\"0x100000\"}]"));
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            Matcher m = CONTRACT.matcher(node1.call("eth_getTransactionReceipt", "[\"" + hash + "\"]"));
            if (m.find()) {
                return m.group(1);
            }
            assertThat(Instant.now()).as("contract deployed").isBefore(deadline);
            pause();
        }
    }

    private static void emit(String contract, String topic) {
        result(node1.call("eth_sendTransaction", "[{\"from\":\"" + SENDER + "\",\"to\":\"" + contract
                + "\",\"data\":\"" + topic + "\",\"gas\":\"0x100000\"}]"));
    }

    private static String result(String body) {
        Matcher m = RESULT.matcher(body);
        assertThat(m.find()).as("result in %s", body).isTrue();
        return m.group(1);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
