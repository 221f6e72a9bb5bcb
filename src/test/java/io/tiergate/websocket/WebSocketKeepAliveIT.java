package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.Eventually;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Keep-alive towards clients: tiergate pings every client each second and closes one that sends nothing, not
 * even a pong, for 2 s after a ping (1002, counted); a client that answers pings stays however quiet it is.
 */
class WebSocketKeepAliveIT extends GatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static final AnvilNode node = AnvilNode.start(List.of("--block-time", "1"));

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", node.url()).set("ws-url", node.wsUrl()))
                .register(registry);
        registry.add("tiergate.websocket.client-ping-interval", () -> "1s");
        registry.add("tiergate.websocket.client-ping-timeout", () -> "2s");
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void aClientThatNeverAnswersPingsIsClosedWhileAClientThatAnswersThemStays() throws Exception {
        double before = unresponsiveClients();
        String url = "ws://127.0.0.1:" + port + "/";
        try (WsClient answering = WsClient.connect(url); NettyWsClient silent = new NettyWsClient(url)) {
            String id = answering.subscribe("[\"newHeads\"]");

            WebSocketCloseStatus status = silent.closeStatus.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(silent.pings.get()).as("pings the silent client got").isPositive();
            assertThat(status.code()).as("closed with %s", status).isEqualTo(1002);
            assertThat(status.reasonText()).isEqualTo("no answer to pings for 2000 ms");
            Eventually.await("the unresponsive client counted", () -> unresponsiveClients() == before + 1,
                    () -> "" + unresponsiveClients());

            // The answering client sends nothing but pongs: six pings are twice the time a silent client gets.
            Eventually.await("six pings reach the answering client", () -> answering.pings.get() >= 6,
                    () -> answering.pings.get() + " pings", WAIT);
            assertThat(answering.closeCode).as("the answering client is still open").isNotDone();
            assertThat(answering.call("eth_chainId", "[]")).contains("\"result\":\"0x7a69\"");
            assertThat(answering.notification(id, WAIT)).contains("\"number\"");
            assertThat(unresponsiveClients()).isEqualTo(before + 1);
        }
    }

    private double unresponsiveClients() {
        Counter c = meters.find("tiergate.websocket.unresponsive.clients").counter();
        return c == null ? 0 : c.count();
    }
}
