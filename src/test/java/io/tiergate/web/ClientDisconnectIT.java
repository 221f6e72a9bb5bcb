package io.tiergate.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A client that hangs up halfway through sending its body is not a server error: no ERROR line with a stack
 * trace, a count under {@code tiergate_requests_total{outcome="client_gone"}}, and the gateway goes on serving.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientDisconnectIT extends GatewayTest {

    static final AnvilNode anvil = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum").tier("local", TestNetwork.provider("anvil_local", anvil.url())).register(registry);
    }

    @AfterAll
    static void stop() {
        anvil.close();
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void clientClosingMidBodyIsCountedAndNotLoggedAsAServerError(CapturedOutput output) throws Exception {
        for (int i = 0; i < 5; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(clientGone()).isEqualTo(5));
        assertThat(output.getAll()).doesNotContain("500 Server Error", "JSON-RPC request failed", " ERROR ", "\tat ");
        assertThat(rpc(request(1, "eth_chainId", "[]")).status()).isEqualTo(200);
    }

    private double clientGone() {
        Counter counter = meters.find("tiergate.requests").tag("outcome", "client_gone").counter();
        return counter == null ? 0 : counter.count();
    }
}
