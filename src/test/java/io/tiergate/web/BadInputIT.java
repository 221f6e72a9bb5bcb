package io.tiergate.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every bad-input row: the exact HTTP status and JSON-RPC error, the id when it can be known (null when it
 * cannot), never a stack trace or a 500, nothing sent to a provider, and the gateway serving normally
 * afterwards. The default network's only provider is WireMock, so "never reached a provider" is counted.
 */
class BadInputIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvil;

    static {
        wm.start();
        anvil = AnvilNode.start();
    }

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String CHAIN_ID = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tiergate.max-request-size", () -> "1KB");
        registry.add("tiergate.max-batch-size", () -> "5");
        TestNetwork.named("ethereum")
                .tier("cloud", TestNetwork.provider("wm_cloud", "http://127.0.0.1:" + wm.port()))
                .register(registry);
        TestNetwork.named("devnet")
                .tier("local", TestNetwork.provider("anvil_local", anvil.url()))
                .set("allow-methods[0]", "anvil_*")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @BeforeEach
    void stubProvider() {
        wm.resetAll();
        wm.stubFor(post(urlEqualTo("/")).atPriority(2).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}")));
        StringBuilder batch = new StringBuilder("[");
        for (int id = 1; id <= 5; id++) {
            batch.append(id == 1 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(id).append(",\"result\":\"0x1\"}");
        }
        wm.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(matching("^\\s*\\[.*"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(batch.append(']').toString())));
        // A batch of one upstream (what is left when the other items were denied) gets a one-item answer: an
        // answer for a request that was not sent would make tiergate distrust the whole body.
        wm.stubFor(post(urlEqualTo("/")).atPriority(0).withRequestBody(matching("^\\s*\\[.*"))
                .withRequestBody(notContaining("\"id\":2,"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}]")));
    }

    @AfterEach
    void gatewayKeepsServing() {
        JsonRpcClient.Response ethereum = rpc(request(42, "eth_chainId", "[]"));
        assertThat(ethereum.status()).isEqualTo(200);
        assertThat(ethereum.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":\"0x1\"}");
        JsonRpcClient.Response devnet = client.post(gatewayUrl() + "devnet", request(42, "eth_chainId", "[]"));
        assertThat(devnet.status()).isEqualTo(200);
        assertThat(devnet.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":\"0x7a69\"}");
    }

    // --- body not JSON: 400, -32700, id null ---

    @Test
    void bodyThatIsNotJsonGets400ParseErrorWithNullId() {
        assertRejected(rpc("this is not json"), 400, -32700, "null");
    }

    @Test
    void truncatedJsonGets400ParseErrorWithNullId() {
        assertRejected(rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\""), 400, -32700, "null");
    }

    @Test
    void emptyBodyGets400ParseErrorWithNullId() {
        assertRejected(rpc(""), 400, -32700, "null");
    }

    @Test
    void contentAfterTheRequestObjectGets400ParseError() {
        assertRejected(rpc(CHAIN_ID + CHAIN_ID), 400, -32700, "null");
    }

    @Test
    void nestingBeyondTheParsersLimitGets400NotA500() {
        String deep = "[".repeat(300) + "]".repeat(300);
        JsonRpcClient.Response response = rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":" + deep + "}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asInt()).isIn(-32700, -32600);
        assertClean(response);
        assertThat(wmCalls()).isZero();
    }

    // --- JSON, but not a request: single -> 400, -32600 ---

    @Test
    void jsonScalarInsteadOfARequestGets400InvalidRequest() {
        assertRejected(rpc("42"), 400, -32600, "null");
    }

    @Test
    void requestWithoutMethodGets400InvalidRequestWithItsId() {
        assertRejected(rpc("{\"jsonrpc\":\"2.0\",\"id\":5,\"params\":[]}"), 400, -32600, "5");
    }

    @Test
    void methodThatIsNotAStringGets400InvalidRequest() {
        assertRejected(rpc("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":42,\"params\":[]}"), 400, -32600, "6");
    }

    @Test
    void jsonrpcVersionOtherThan2Gets400InvalidRequest() {
        assertRejected(rpc("{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"eth_chainId\",\"params\":[]}"), 400, -32600, "7");
    }

    @Test
    void requestWithoutTheJsonrpcMemberGets400InvalidRequest() {
        // JSON-RPC 2.0: "jsonrpc" MUST be exactly "2.0"; absent is not "2.0".
        assertRejected(rpc("{\"id\":7,\"method\":\"eth_chainId\",\"params\":[]}"), 400, -32600, "7");
    }

    @Test
    void jsonrpcVersionAsANumberGets400InvalidRequest() {
        assertRejected(rpc("{\"jsonrpc\":2.0,\"id\":7,\"method\":\"eth_chainId\",\"params\":[]}"), 400, -32600, "7");
    }

    @Test
    void idThatIsAnObjectGets400InvalidRequestWithNullId() {
        assertRejected(rpc("{\"jsonrpc\":\"2.0\",\"id\":{\"n\":1},\"method\":\"eth_chainId\",\"params\":[]}"),
                400, -32600, "null");
    }

    @Test
    void idThatIsAnArrayGets400InvalidRequestWithNullId() {
        assertRejected(rpc("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"eth_chainId\",\"params\":[]}"),
                400, -32600, "null");
    }

    @Test
    void paramsThatAreAScalarGet400InvalidRequest() {
        assertRejected(rpc("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"eth_getBalance\",\"params\":\"0x0\"}"),
                400, -32600, "8");
    }

    // --- batches ---

    @Test
    void emptyBatchGets400InvalidRequest() {
        JsonRpcClient.Response response = rpc("[]");
        assertRejected(response, 400, -32600, "null");
        assertThat(message(response)).isEqualTo("empty batch");
    }

    @Test
    void batchOverMaxBatchSizeGets400SayingTheLimit() {
        JsonRpcClient.Response response = rpc(batchOf(6));
        assertRejected(response, 400, -32600, "null");
        assertThat(message(response)).isEqualTo("batch too large: at most 5 requests per batch");
    }

    @Test
    void batchOfExactlyMaxBatchSizeIsServed() {
        JsonRpcClient.Response response = rpc(batchOf(5));
        assertThat(response.status()).isEqualTo(200);
        StringBuilder expected = new StringBuilder("[");
        for (int id = 101; id <= 105; id++) {
            expected.append(id == 101 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(id)
                    .append(",\"result\":\"0x1\"}");
        }
        assertThat(response.body()).isEqualTo(expected.append(']').toString());
        assertThat(wmCalls()).isEqualTo(1);
    }

    // --- size ---

    @Test
    void bodyOverMaxRequestSizeGets413WithAJsonRpcError() {
        JsonRpcClient.Response response = rpc(requestOfSize(1025));
        assertRejected(response, 413, -32600, "null");
        assertThat(message(response)).as("names the limit").containsAnyOf("1KB", "1024");
    }

    @Test
    void chunkedBodyOverMaxRequestSizeGets413WithAJsonRpcError() throws Exception {
        // No Content-Length: the limit must hold while the body streams in.
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(requestOfSize(4096))))
                .build();
        HttpResponse<String> raw;
        try {
            raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("the gateway dropped the connection instead of answering 413", e);
        }
        assertRejected(new JsonRpcClient.Response(raw.statusCode(), raw.body(), raw.headers()), 413, -32600, "null");
    }

    @Test
    void bodyOfExactlyMaxRequestSizeIsServed() {
        String body = requestOfSize(1024);
        JsonRpcClient.Response response = rpc(body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}");
        assertThat(wmCalls()).isEqualTo(1);
    }

    // --- content type ---

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "application/xml", "multipart/form-data; boundary=xyz"})
    void contentTypeThatIsClearlyNotJsonGets415(String contentType) {
        assertRejected(client.post(gatewayUrl(), CHAIN_ID, contentType), 415, -32600, "null");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "text/plain",
            "application/x-www-form-urlencoded"})
    void jsonBodyWithALenientContentTypeIsServed(String contentType) {
        JsonRpcClient.Response response = client.post(gatewayUrl(), CHAIN_ID, contentType);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}");
    }

    // --- method policy ---

    @ParameterizedTest
    @ValueSource(strings = {"personal_sign", "admin_addPeer", "debug_setHead", "engine_newPayloadV3",
            "anvil_setBalance", "anvil_mine", "miner_start", "evm_mine", "hardhat_reset"})
    void deniedMethodGets403AndNeverReachesTheProvider(String method) {
        JsonRpcClient.Response response = rpc(request(9, method, "[]"));
        assertRejected(response, 403, -32601, "9");
        assertThat(message(response)).isEqualTo("method not allowed: " + method);
    }

    @Test
    void deniedMethodsInsideABatchGetPerItemErrorsAndNeverReachTheProvider() {
        String batch = "[" + request(1, "personal_sign", "[\"0xdeadbeef\",\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\"]")
                + "," + request(2, "admin_addPeer", "[\"enode://abc@127.0.0.1:30303\"]")
                + "," + request(3, "eth_chainId", "[]")
                + "," + request(4, "debug_setHead", "[\"0x1\"]")
                + "," + request(5, "engine_newPayloadV3", "[{}]")
                + "]";
        JsonRpcClient.Response response = rpc(batch);

        assertThat(response.status()).isEqualTo(200);
        assertClean(response);
        JsonNode answers = JSON.readTree(response.body());
        assertThat(answers.size()).isEqualTo(5);
        String[] denied = {"personal_sign", "admin_addPeer", null, "debug_setHead", "engine_newPayloadV3"};
        for (int i = 0; i < 5; i++) {
            JsonNode answer = answers.get(i);
            assertThat(answer.get("id").asInt()).isEqualTo(i + 1);
            if (denied[i] == null) {
                assertThat(answer.get("result").asString()).isEqualTo("0x1");
            } else {
                assertThat(answer.path("error").path("code").asInt()).isEqualTo(-32601);
                assertThat(answer.path("error").path("message").asString()).isEqualTo("method not allowed: " + denied[i]);
            }
        }
        List<LoggedRequest> upstream = wm.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(upstream).hasSize(1);
        assertThat(upstream.get(0).getBodyAsString()).contains("eth_chainId")
                .doesNotContain("personal_sign", "admin_addPeer", "debug_setHead", "engine_newPayloadV3");
    }

    @Test
    void batchOfOnlyDeniedMethodsGetsPerItemErrorsWithoutCallingAnyProvider() {
        String batch = "[" + request(1, "personal_sign", "[]") + "," + request(2, "anvil_setBalance", "[]") + "]";
        JsonRpcClient.Response response = rpc(batch);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("["
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"method not allowed: personal_sign\"}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,\"message\":\"method not allowed: anvil_setBalance\"}}"
                + "]");
        assertThat(wmCalls()).isZero();
    }

    @Test
    void allowMethodsMakesAnExceptionToTheDefaultDenyList() {
        long before = anvil.blockNumber();
        JsonRpcClient.Response mined = client.post(gatewayUrl() + "devnet", request(10, "anvil_mine", "[\"0x2\"]"));
        assertThat(mined.status()).as(mined.body()).isEqualTo(200);
        assertThat(mined.body()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":");
        assertThat(anvil.blockNumber()).as("anvil_mine reached the node").isEqualTo(before + 2);

        // The exception covers anvil_* only: the rest of the default deny list still holds on that network.
        assertRejected(client.post(gatewayUrl() + "devnet", request(11, "personal_sign", "[]")), 403, -32601, "11");
        // ...and other networks keep denying anvil_*.
        assertRejected(rpc(request(12, "anvil_mine", "[\"0x2\"]")), 403, -32601, "12");
        assertThat(anvil.blockNumber()).isEqualTo(before + 2);
    }

    // --- network ---

    @Test
    void unknownNetworkGets404WithNullId() {
        JsonRpcClient.Response response = client.post(gatewayUrl() + "no-such-network", CHAIN_ID);
        assertRejected(response, 404, -32001, "null");
        assertThat(message(response)).contains("no-such-network");
    }

    private static void assertRejected(JsonRpcClient.Response response, int status, int code, String idJson) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertClean(response);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("jsonrpc").asString()).isEqualTo("2.0");
        assertThat(body.has("id")).as("id member present").isTrue();
        assertThat(body.get("id").toString()).isEqualTo(idJson);
        assertThat(body.path("error").path("code").asInt()).isEqualTo(code);
        assertThat(body.path("error").path("message").asString()).isNotBlank();
        assertThat(body.has("result")).isFalse();
        assertThat(wmCalls()).as("calls that reached the provider").isZero();
    }

    private static void assertClean(JsonRpcClient.Response response) {
        assertThat(response.status()).isNotEqualTo(500);
        assertThat(response.body()).doesNotContain("Exception", "at io.", "\tat ", "\"trace\"", "Caused by");
    }

    private static String message(JsonRpcClient.Response response) {
        return JSON.readTree(response.body()).path("error").path("message").asString();
    }

    private static String batchOf(int n) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 1; i <= n; i++) {
            batch.append(i == 1 ? "" : ",").append(request(100 + i, "eth_chainId", "[]"));
        }
        return batch.append(']').toString();
    }

    /** A valid eth_chainId request padded with an ignored member to exactly {@code size} bytes (ASCII). */
    private static String requestOfSize(int size) {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[],\"padding\":\"";
        String tail = "\"}";
        return head + "x".repeat(size - head.length() - tail.length()) + tail;
    }

    private static long wmCalls() {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build()).getCount();
    }
}
