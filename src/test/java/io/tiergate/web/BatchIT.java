package io.tiergate.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Batches and ids: answers in client order, one per non-notification item, every id exactly as sent (whatever
 * id the upstream used); missing upstream answers re-asked elsewhere; notifications forwarded and never
 * answered. The default network is a real anvil node; WireMock plays providers that misbehave or that count.
 */
class BatchIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvil;

    static {
        wm.start();
        anvil = AnvilNode.start();
    }

    static final String HUGE_ID = "123456789012345678901234567890";
    static final String UNICODE_ID = "\"é✓\"";

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("node", TestNetwork.provider("anvil_node", anvil.url()))
                .register(registry);
        TestNetwork.named("shortfall")
                .tier("cloud", TestNetwork.provider("wm_short", wmUrl("/short")))
                .tier("node", TestNetwork.provider("anvil_node", anvil.url()))
                .register(registry);
        TestNetwork.named("nobatch")
                .tier("cloud", TestNetwork.provider("wm_nobatch", wmUrl("/nobatch")))
                .tier("node", TestNetwork.provider("anvil_node", anvil.url()))
                .register(registry);
        TestNetwork.named("reorder")
                .tier("cloud", TestNetwork.provider("wm_reorder", wmUrl("/reorder")))
                .register(registry);
        TestNetwork.named("notes")
                .tier("cloud", TestNetwork.provider("wm_notes", wmUrl("/notes")))
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @BeforeEach
    void resetWireMock() {
        wm.resetAll();
    }

    @Test
    void mixedBatchIsAnsweredInClientOrderWithEveryIdExactlyAsSent() {
        String batch = "["
                + raw(HUGE_ID, "eth_chainId") + ","
                + raw(UNICODE_ID, "net_version") + ","
                + "{\"jsonrpc\":\"2.0\",\"id\":-7,\"method\":42}" + ","
                + raw("1.5", "admin_addPeer") + ","
                + "{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\",\"params\":[]}" + ","
                + raw("null", "eth_chainId") + ","
                + "\"not a request\"" + ","
                + raw("0", "net_version") + ","
                + raw("-42", "eth_chainId")
                + "]";

        JsonRpcClient.Response response = rpc(batch);

        assertThat(response.status()).isEqualTo(200);
        List<String> answers = elements(response.body());
        assertThat(answers).as("one answer per item except the notification").hasSize(8);
        assertThat(answers.get(0)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + HUGE_ID + ",\"result\":\"0x7a69\"}");
        assertThat(answers.get(1)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + UNICODE_ID + ",\"result\":\"31337\"}");
        assertThat(answers.get(2)).startsWith("{\"jsonrpc\":\"2.0\",\"id\":-7,\"error\":{\"code\":-32600,");
        assertThat(answers.get(3)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"error\":{\"code\":-32601,"
                + "\"message\":\"method not allowed: admin_addPeer\"}}");
        assertThat(answers.get(4)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":\"0x7a69\"}");
        assertThat(answers.get(5)).startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,");
        assertThat(answers.get(6)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"31337\"}");
        assertThat(answers.get(7)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":-42,\"result\":\"0x7a69\"}");
    }

    @Test
    void duplicateClientIdsEachGetTheirOwnAnswerInOrder() {
        JsonRpcClient.Response response = rpc("[" + raw("1", "eth_chainId") + "," + raw("1", "net_version") + ","
                + raw("1", "eth_chainId") + "]");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("["
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a69\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"31337\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a69\"}]");
    }

    @Test
    void singleRequestIdsComeBackExactlyAsSent() {
        for (String id : List.of(HUGE_ID, "-" + HUGE_ID, UNICODE_ID, "null", "-7", "1.5", "0", "1e3", "\"\"",
                "\"0x1\"", "\"with \\\"quotes\\\" and \\\\ backslash\"", "18446744073709551617")) {
            JsonRpcClient.Response response = rpc(raw(id, "eth_chainId"));
            assertThat(response.status()).as("id %s", id).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"0x7a69\"}");
        }
    }

    @Test
    void batchWhoseUpstreamAnswerMissesAnItemGetsThatItemFromTheNextProvider() {
        // Answers only ids 1 and 3 of the three it was sent.
        wm.stubFor(post(urlEqualTo("/short")).willReturn(json("["
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x1\"}]")));
        String batch = "[" + raw("\"a\"", "eth_chainId") + "," + raw("\"b\"", "net_version") + ","
                + raw("\"c\"", "eth_chainId") + "]";

        JsonRpcClient.Response response = client.post(gatewayUrl() + "shortfall", batch);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("["
                + "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":\"0x1\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"result\":\"31337\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"result\":\"0x1\"}]");
        // The batch went upstream as one batch, once.
        List<LoggedRequest> upstream = wm.findAll(postRequestedFor(urlEqualTo("/short")));
        assertThat(upstream).hasSize(1);
        assertThat(upstream.get(0).getBodyAsString()).startsWith("[").endsWith("]")
                .contains("eth_chainId", "net_version");
        assertThat(elements(upstream.get(0).getBodyAsString())).hasSize(3);
    }

    @Test
    void batchRefusedAsAWholeByOneProviderIsAnsweredByTheNext() {
        // A provider that does not take batches answers one id-less error for the whole (valid) batch.
        wm.stubFor(post(urlEqualTo("/nobatch")).willReturn(json("{\"jsonrpc\":\"2.0\",\"id\":null,"
                + "\"error\":{\"code\":-32600,\"message\":\"batch requests are not supported\"}}")));
        String batch = "[" + raw("1", "eth_chainId") + "," + raw("2", "net_version") + "]";

        JsonRpcClient.Response response = client.post(gatewayUrl() + "nobatch", batch);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("["
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a69\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"31337\"}]");
        assertThat(wm.countRequestsMatching(postRequestedFor(urlEqualTo("/nobatch")).build()).getCount()).isEqualTo(1);
    }

    @Test
    void batchAnsweredOutOfOrderUpstreamComesBackInClientOrder() {
        wm.stubFor(post(urlEqualTo("/reorder")).willReturn(json("["
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0xc\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xa\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0xb\"}]")));
        String batch = "[" + raw("\"x\"", "eth_chainId") + "," + raw("\"y\"", "eth_chainId") + ","
                + raw("\"z\"", "eth_chainId") + "]";

        JsonRpcClient.Response response = client.post(gatewayUrl() + "reorder", batch);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("["
                + "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":\"0xa\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"y\",\"result\":\"0xb\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"z\",\"result\":\"0xc\"}]");
    }

    @Test
    void notificationOnlyBatchGets204FromARealNode() {
        JsonRpcClient.Response response = rpc("[" + notification("eth_chainId") + "," + notification("net_version") + "]");
        assertThat(response.status()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void notificationOnlyBatchGets204AndIsForwardedWithoutIds() {
        wm.stubFor(post(urlEqualTo("/notes")).willReturn(aResponse().withStatus(204)));

        JsonRpcClient.Response response = client.post(gatewayUrl() + "notes",
                "[" + notification("eth_chainId") + "," + notification("net_version") + "]");

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        List<LoggedRequest> upstream = wm.findAll(postRequestedFor(urlEqualTo("/notes")));
        assertThat(upstream).hasSize(1);
        assertThat(upstream.get(0).getBodyAsString()).contains("eth_chainId", "net_version").doesNotContain("\"id\"");
    }

    @Test
    void singleNotificationGets204AndReachesTheProvider() {
        wm.stubFor(post(urlEqualTo("/notes")).willReturn(aResponse().withStatus(200)));

        JsonRpcClient.Response response = client.post(gatewayUrl() + "notes",
                notification("eth_sendTransaction", "[{\"from\":\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\","
                        + "\"to\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\",\"value\":\"0x1\"}]"));

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        List<LoggedRequest> upstream = wm.findAll(postRequestedFor(urlEqualTo("/notes")));
        assertThat(upstream).hasSize(1);
        assertThat(upstream.get(0).getBodyAsString()).startsWith("{")
                .contains("\"method\":\"eth_sendTransaction\"", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
                .doesNotContain("\"id\"");
    }

    @Test
    void singleNotificationToARealNodeGets204() {
        JsonRpcClient.Response response = rpc(notification("eth_chainId"));
        assertThat(response.status()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
    }

    private static String raw(String idJson, String method) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\",\"params\":[]}";
    }

    private static String notification(String method) {
        return notification(method, "[]");
    }

    private static String notification(String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static String wmUrl(String path) {
        return "http://127.0.0.1:" + wm.port() + path;
    }

    /** The top-level elements of a JSON array, as the exact text the server wrote (no re-encoding of ids). */
    static List<String> elements(String array) {
        String s = array.trim();
        assertThat(s).startsWith("[").endsWith("]");
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        int start = 1;
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        String last = s.substring(start, s.length() - 1).trim();
        if (!last.isEmpty()) {
            out.add(last);
        }
        return out;
    }
}
