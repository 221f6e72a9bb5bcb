package io.tiergate.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Results of a block's size (large enough to go out uncopied, between the envelope's head and tail) reach
 * the client byte for byte, under the client's own id, alone and in a batch.
 */
class LargeResultIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    /** A ~1 MiB eth_getBlockByNumber result with full transactions, non-ASCII text included. */
    static final String BLOCK = block(1 << 20);
    /** Just past the size from which a result is no longer copied. */
    static final String SMALL_BLOCK = block(17 * 1024);

    static {
        wm.start();
        wm.stubFor(post(urlEqualTo("/single")).willReturn(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + BLOCK + "}")));
        wm.stubFor(post(urlEqualTo("/batch")).willReturn(json("[{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":" + SMALL_BLOCK
                + "},{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + BLOCK + "}]")));
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum").tier("cloud", TestNetwork.provider("wm_single", wm.baseUrl() + "/single"))
                .register(registry);
        TestNetwork.named("batches").tier("cloud", TestNetwork.provider("wm_batch", wm.baseUrl() + "/batch"))
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @Test
    void aBlockSizedResultComesBackByteForByteUnderTheClientsId() {
        JsonRpcClient.Response response = rpc(request("blk-7", "eth_getBlockByNumber", "[\"0x1406f40\",true]"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"blk-7\",\"result\":" + BLOCK + "}");
    }

    @Test
    void blockSizedResultsInABatchComeBackInClientOrder() {
        JsonRpcClient.Response response = client.post(gatewayUrl() + "batches", "["
                + request(10, "eth_getBlockByNumber", "[\"0x1406f40\",true]") + ","
                + request(11, "eth_getBlockByNumber", "[\"0x1406f3f\",true]") + "]");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":" + BLOCK + "},"
                + "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":" + SMALL_BLOCK + "}]");
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static String block(int size) {
        StringBuilder out = new StringBuilder(size + 1024).append("{\"number\":\"0x1406f40\",\"extraData\":\"béton ✓\","
                + "\"transactions\":[");
        for (int i = 0; out.length() < size; i++) {
            out.append(i == 0 ? "" : ",").append("{\"hash\":\"0x").append(String.format("%064x", i * 7919L))
                    .append("\",\"transactionIndex\":\"0x").append(Integer.toHexString(i))
                    .append("\",\"input\":\"0xa9059cbb").append(String.format("%0128x", i * 104729L)).append("\"}");
        }
        return out.append("]}").toString();
    }
}
