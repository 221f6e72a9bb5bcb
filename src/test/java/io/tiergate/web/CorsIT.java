package io.tiergate.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Browsers can use the JSON-RPC port as they use a node: a cross-origin POST gets Access-Control-Allow-Origin,
 * a preflight is answered 204 with what may be sent; a trailing slash on a network path is the same path; the
 * management port sends no CORS header.
 */
class CorsIT extends GatewayTest {

    private static final String ORIGIN = "https://dapp.example";
    static final AnvilNode node = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum").tier("local", TestNetwork.provider("node", node.url()))
                .set("chain-id", "31337").register(registry);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @LocalManagementPort
    int managementPort;

    private static final String BLOCK_NUMBER = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}";

    @Test
    void aCrossOriginPostIsAllowedAsANodeAllowsIt() {
        JsonRpcClient.Response response = client.send("POST", gatewayUrl(), BLOCK_NUMBER,
                Map.of("Content-Type", "application/json", "Origin", ORIGIN));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"result\"");
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void aPreflightIsAnsweredWithWhatMaySent() {
        JsonRpcClient.Response preflight = client.send("OPTIONS", gatewayUrl() + "ethereum", null,
                Map.of("Origin", ORIGIN, "Access-Control-Request-Method", "POST",
                        "Access-Control-Request-Headers", "content-type"));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("content-type");
        assertThat(preflight.header("Access-Control-Max-Age")).isEqualTo("600");
    }

    @Test
    void aTrailingSlashOnANetworkPathIsThatPath() {
        JsonRpcClient.Response response = client.post(gatewayUrl() + "ethereum/", BLOCK_NUMBER);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"result\"");
    }

    @Test
    void theManagementPortSendsNoCorsHeader() {
        JsonRpcClient.Response response = client.send("GET", "http://127.0.0.1:" + managementPort
                + "/actuator/health/liveness", null, Map.of("Origin", ORIGIN));
        assertThat(response.header("Access-Control-Allow-Origin")).isNull();
    }
}
