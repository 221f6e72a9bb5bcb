package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.Eventually;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * HTTP and WebSocket are two transports of one JSON-RPC service: the same message gets the same answer, byte for
 * byte, over both, however tricky it is (denied methods, local answers, invalid items, notifications, bad JSON).
 * Only what HTTP alone has differs: its status codes, and a response even where a socket owes nothing.
 */
class WebSocketAnswersAsHttpIT extends GatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    static final AnvilNode node = AnvilNode.start();

    @Autowired
    MeterRegistry meters;

    @Autowired
    NetworkRegistry networks;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", node.url()))
                .set("chain-id", "31337")
                .register(registry);
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void trickyMessagesGetTheSameAnswerOverHttpAndWebSocket() {
        // eth_chainId is answered by tiergate itself once a probe has verified the chain.
        Eventually.await("the chain id is verified", () -> networks.defaultNetwork().providers().stream()
                .anyMatch(p -> p.health().chainVerified()));
        double localBefore = localAnswers();
        List<Exchange> exchanges = List.of(
                new Exchange("[" + request(1, "anvil_mine", "[]")
                        + "," + request(2, "eth_chainId", "[]")
                        + ",{\"jsonrpc\":\"2.0\",\"id\":3}"
                        + ",{\"jsonrpc\":\"2.0\",\"method\":\"anvil_mine\",\"params\":[]}"
                        + ",42"
                        + "," + request("four", "net_version", "[]")
                        + "," + request(5, "eth_getBalance", "[\"0x0000000000000000000000000000000000000001\",\"0x0\"]")
                        + "]", 200),
                new Exchange(request(6, "anvil_setBalance", "[]"), 403),
                new Exchange("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}", 400),
                new Exchange(request(8, "eth_chainId", "[]"), 200),
                new Exchange("[]", 400),
                new Exchange("{\"jsonrpc\":\"2.0\",\"id\":9,", 400),
                new Exchange("[" + request(10, "ANVIL_MINE", "[]") + "]", 200));

        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/")) {
            for (Exchange exchange : exchanges) {
                JsonRpcClient.Response http = rpc(exchange.message());
                assertThat(http.status()).as(exchange.message()).isEqualTo(exchange.httpStatus());
                ws.send(exchange.message());
                assertThat(ws.take(m -> true, WAIT)).as(exchange.message()).isEqualTo(http.body());
            }

            // Only notifications: HTTP answers 204 with no body; the socket sends nothing, so the next message it
            // sends is the answer to the next call.
            String notifications = "[{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\"},"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"anvil_mine\"}]";
            assertThat(rpc(notifications).status()).isEqualTo(204);
            ws.send(notifications);
            ws.send(request(11, "eth_chainId", "[]"));
            assertThat(ws.take(m -> true, WAIT)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":\"0x7a69\"}");
        }

        String batchAnswer = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,"
                + "\"message\":\"method not allowed: anvil_mine\"}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x7a69\"},";
        assertThat(rpc(exchanges.get(0).message()).body()).startsWith(batchAnswer)
                .contains("{\"jsonrpc\":\"2.0\",\"id\":\"four\",\"result\":\"31337\"}")
                .contains("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":\"0x0\"}");
        // Both eth_chainId of the batch and the single one, on both transports, plus the checks above.
        assertThat(localAnswers() - localBefore).isGreaterThanOrEqualTo(4);
    }

    private double localAnswers() {
        Counter counter = meters.find("tiergate.local.answers").tag("method", "eth_chainId").counter();
        return counter == null ? 0 : counter.count();
    }

    private record Exchange(String message, int httpStatus) {
    }
}
