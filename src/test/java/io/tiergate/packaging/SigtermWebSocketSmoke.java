package io.tiergate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the packaged gateway while a WebSocket client holds a newHeads subscription: the client is told to go
 * elsewhere with 1001 (Going Away) and the reason, instead of its socket being cut or held until the grace period
 * ends, and the process exits with status 0 well before the 30 s grace period.
 */
class SigtermWebSocketSmoke {

    static final AnvilNode node = AnvilNode.start(1, List.of("--block-time", "1"));

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void sigtermClosesWebSocketClientsWith1001GoingAwayAndExitsZero() throws Exception {
        try (PackagedGateway gateway = PackagedGateway.start("""
                tiergate:
                  networks:
                    ethereum:
                      chain-id: 1
                      tiers:
                        - name: local
                          providers:
                            - { name: anvil_node, url: "%s", ws-url: "%s" }
                """.formatted(node.url(), node.wsUrl()))) {
            Client client = new Client();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(gateway.url().replace("http://", "ws://")), client).join();
            socket.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}", true)
                    .join();
            assertThat(client.messages.poll(20, TimeUnit.SECONDS)).as("answer to eth_subscribe").contains("\"result\":\"0x");
            assertThat(client.messages.poll(20, TimeUnit.SECONDS)).as("a newHeads notification")
                    .contains("eth_subscription");

            long sigterm = System.nanoTime();
            gateway.terminate();

            int code = client.closeCode.get(20, TimeUnit.SECONDS);
            long closed = System.nanoTime();
            assertThat(code).as("close code (reason %s; log %s)", client.closeReason, gateway.log()).isEqualTo(1001);
            assertThat(client.closeReason).isEqualTo("tiergate is shutting down");
            assertThat(gateway.process().waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
            long exited = System.nanoTime();
            assertThat(gateway.process().exitValue()).as("exit status (log: %s)", gateway.log()).isZero();
            System.out.printf("WebSocket shutdown: client closed with %d \"%s\" %d ms after SIGTERM, process exited %d ms "
                    + "after SIGTERM%n", code, client.closeReason, TimeUnit.NANOSECONDS.toMillis(closed - sigterm),
                    TimeUnit.NANOSECONDS.toMillis(exited - sigterm));
            // The socket did not hold the shutdown until the grace period (30 s) ran out.
            assertThat(Duration.ofNanos(exited - sigterm)).isLessThan(Duration.ofSeconds(20));
        }
    }

    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        volatile String closeReason;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeReason = String.valueOf(error);
            closeCode.complete(-1);
        }
    }
}
