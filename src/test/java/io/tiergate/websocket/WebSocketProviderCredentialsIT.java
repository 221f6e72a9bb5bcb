package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A provider whose ws-url carries user info (ws://user:password@host/...) behind Basic authentication: the
 * subscription's handshake sends the credentials as an Authorization header, as HTTP calls do, and no log line
 * shows them, not even when the provider echoes them back. HTTP calls go to a real anvil node.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebSocketProviderCredentialsIT extends GatewayTest {

    private static final String USER_INFO = "rpc_user:s3cr3t/pass";
    private static final String BASIC = "Basic "
            + Base64.getEncoder().encodeToString(USER_INFO.getBytes(StandardCharsets.UTF_8));
    private static final Duration WAIT = Duration.ofSeconds(20);

    static final AnvilNode node = AnvilNode.start();
    static final AuthenticatingWsProvider wsProvider = AuthenticatingWsProvider.start(BASIC, USER_INFO);

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("ws_auth", node.url())
                        .set("ws-url", "ws://rpc_user:s3cr3t%2Fpass@127.0.0.1:" + wsProvider.port() + "/ws"))
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wsProvider.close();
        node.close();
    }

    @Test
    void userInfoInTheWsUrlIsSentAsBasicAuthorizationAndNeverLogged(CapturedOutput output) {
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/")) {
            String id = ws.subscribe("[\"newHeads\"]");

            assertThat(WsClient.blockNumber(ws.notification(id, WAIT))).isPositive();
        }
        assertThat(wsProvider.authorizations()).as("Authorization of each upgrade").isNotEmpty()
                .allMatch(BASIC::equals);
        // The first eth_subscribe was refused with the credentials echoed back: the reason is logged scrubbed.
        assertThat(output.getAll())
                .contains("subscription lost on provider ws_auth (local tier): eth_subscribe refused: "
                        + "invalid credentials for ***")
                .doesNotContain(USER_INFO)
                .doesNotContain("s3cr3t")
                .doesNotContain(BASIC.substring("Basic ".length()));
    }
}
