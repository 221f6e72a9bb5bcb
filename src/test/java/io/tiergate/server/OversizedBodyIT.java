package io.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A client that sends a body over max-request-size (5 MB) in one go, as most do, and reads only afterwards gets
 * the 413 JSON-RPC error, not a reset: the gateway reads and discards the rest of the body before it closes.
 */
class OversizedBodyIT extends GatewayTest {

    static final AnvilNode anvil = AnvilNode.start();
    static final int SIX_MB = 6 << 20;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum").tier("local", TestNetwork.provider("anvil_local", anvil.url())).register(registry);
        registry.add("tiergate.server.discard-limit", () -> "8MB");
    }

    @AfterAll
    static void stop() {
        anvil.close();
    }

    @Test
    void aClientSendingSixMegabytesWithContentLengthReadsThe413() throws Exception {
        String head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " + SIX_MB
                + "\r\n\r\n";
        assertReads413(head, body(SIX_MB));
    }

    @Test
    void aClientSendingSixMegabytesChunkedReadsThe413() throws Exception {
        String head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        byte[] chunk = body(1 << 20);
        byte[] all = new byte[0];
        for (int i = 0; i < 6; i++) {
            all = concat(all, (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), chunk,
                    "\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertReads413(head, concat(all, "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aKeptAliveClientGetsThe413AndItsConnectionStaysUsable() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + SIX_MB + "\r\n\r\n").send(body(SIX_MB));
            assertThat(client.readAnswer(Duration.ofSeconds(20))).startsWith("HTTP/1.1 413");
            assertThat(client.send(RawClient.post("/", request(2, "eth_chainId", "[]"))).readAnswer(Duration.ofSeconds(5)))
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aBodyBeyondTheDiscardLimitStillGetsItsAnswerBeforeTheClose() throws Exception {
        // 5 MB accepted + 8 MB discarded < 20 MB: the gateway answers, then closes instead of reading on
        try (RawClient client = new RawClient(port)) {
            client.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + (20 << 20) + "\r\n\r\n");
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    client.send(body(20 << 20));
                } catch (IOException expected) {
                    // the gateway closed after its answer
                }
            });
            String answer = client.readAnswer(Duration.ofSeconds(20));
            assertThat(answer).startsWith("HTTP/1.1 413").contains("request body larger than 5242880B");
            assertThat(answer).containsIgnoringCase("connection: close");
            assertThat(client.closedWithin(Duration.ofSeconds(5))).as("closed instead of reading 20 MB").isTrue();
            sending.join();
        }
        assertThat(rpc(request(1, "eth_chainId", "[]")).status()).isEqualTo(200);
    }

    private void assertReads413(String head, byte[] body) throws Exception {
        try (RawClient client = new RawClient(port)) {
            // all of it first, then read: what a simple client (and curl without Expect) does
            client.send(concat(head.getBytes(StandardCharsets.US_ASCII), body));
            String answer = client.readAnswer(Duration.ofSeconds(20));
            assertThat(answer).startsWith("HTTP/1.1 413")
                    .contains("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"request body larger than 5242880B\"}}");
        }
        assertThat(rpc(request(1, "eth_chainId", "[]")).status()).isEqualTo(200);
    }

    private static byte[] body(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) ' ');
        bytes[0] = '[';
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
