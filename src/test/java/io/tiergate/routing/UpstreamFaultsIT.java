package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A faulty first-tier provider (a real HTTP server, WireMock) in front of a real anvil node: every kind of
 * bad answer is failed over, so the client gets the node's correct answer and never the bad one; deterministic
 * answers (execution reverted) come back as they are, without asking anyone else.
 */
class UpstreamFaultsIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvil;

    static {
        wm.start();
        anvil = AnvilNode.start();
    }

    /** anvil's default chain id 31337. */
    static final String ANVIL_CHAIN_ID = "\"0x7a69\"";
    /** What the faulty provider claims when its answer is well-formed: must never reach the client. */
    static final String BAD_RESULT = "0xbad";
    static final String GOOD_LOOKING_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"number\":\"0x1b4\","
            + "\"hash\":\"0xdc0818cf78f21a8e70579cb46a43643f78291264dda342ae31049421c82d21ae\","
            + "\"chainId\":\"" + BAD_RESULT + "\",\"transactions\":[]}}";

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("cloud", TestNetwork.provider("flaky_cloud", "http://127.0.0.1:" + wm.port())
                        .set("timeout", "1s"))
                .tier("backup", TestNetwork.provider("anvil_backup", anvil.url()))
                // Every test fails the first tier once; with the breaker on, the fourth test would find it open
                // and never call WireMock. Breakers have their own IT.
                .set("circuit-breaker.enabled", "false")
                // Two tests stub "method not found" for eth_chainId, the method every test asks: remembered, it
                // would keep the faulty provider out of the tests after them. Method routing has its own IT.
                .set("method-not-found-ttl", "0s")
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
    void http503IsFailedOverToTheNextTier() {
        stub(aResponse().withStatus(503).withBody("Service Unavailable"));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void http500WithAnHtmlErrorPageIsFailedOver() {
        stub(aResponse().withStatus(500).withHeader("Content-Type", "text/html")
                .withBody("<html><head><title>500 Internal Server Error</title></head>"
                        + "<body><h1>Internal Server Error</h1><p>" + BAD_RESULT + "</p></body></html>"));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void http404WithAnHtmlPageIsFailedOver() {
        stub(aResponse().withStatus(404).withHeader("Content-Type", "text/html")
                .withBody("<html><body>Not Found " + BAD_RESULT + "</body></html>"));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void answerSlowerThanTheProviderTimeoutIsAbandonedAndFailedOver() {
        stub(json(GOOD_LOOKING_ANSWER).withFixedDelay(5000));
        long start = System.nanoTime();
        JsonRpcClient.Response response = chainId();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertAnsweredByAnvilAfterFailover(response);
        // The provider timeout (1 s) cut the call; the slow answer was not waited for.
        assertThat(took).isLessThan(Duration.ofMillis(4000));
    }

    @Test
    void multiMegabyteGarbageBodyIsFailedOver() {
        byte[] garbage = new byte[4 * 1024 * 1024];
        new java.util.Random(7).nextBytes(garbage);
        stub(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(garbage));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void slowDripPastTheProviderTimeoutIsFailedOver() {
        // Headers come at once, then the body trickles in over 6 s: only a timeout on the whole call catches it.
        stub(json(GOOD_LOOKING_ANSWER).withChunkedDribbleDelay(20, 6000));
        long start = System.nanoTime();
        JsonRpcClient.Response response = chainId();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertAnsweredByAnvilAfterFailover(response);
        assertThat(took).isLessThan(Duration.ofMillis(4000));
    }

    @Test
    void connectionResetIsFailedOver() {
        stub(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void connectionClosedWithoutAnyResponseIsFailedOver() {
        stub(aResponse().withFault(Fault.EMPTY_RESPONSE));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void malformedResponseChunkIsFailedOver() {
        stub(aResponse().withStatus(200).withFault(Fault.MALFORMED_RESPONSE_CHUNK));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void randomBytesThenCloseAreFailedOver() {
        stub(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void truncatedJsonBodyIsFailedOver() {
        String half = GOOD_LOOKING_ANSWER.substring(0, GOOD_LOOKING_ANSWER.length() / 2);
        stub(json(half));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void nonJsonTextWithStatus200IsFailedOver() {
        stub(aResponse().withStatus(200).withHeader("Content-Type", "text/plain")
                .withBody("upstream connect error or disconnect/reset before headers " + BAD_RESULT));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void htmlWithStatus200IsFailedOver() {
        stub(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<!DOCTYPE html><html><body>Please enable cookies " + BAD_RESULT + "</body></html>"));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void status200WithEmptyBodyIsFailedOver() {
        stub(aResponse().withStatus(200).withHeader("Content-Type", "application/json"));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void answerCarryingAnotherIdIsFailedOver() {
        stub(json("{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":\"" + BAD_RESULT + "\"}"));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void jsonRpcInternalErrorIsFailedOver() {
        stub(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"internal error\"}}"));
        JsonRpcClient.Response response = chainId();
        assertAnsweredByAnvilAfterFailover(response);
        assertThat(response.body()).doesNotContain("-32603");
    }

    @Test
    void headerNotFoundErrorIsFailedOver() {
        stub(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"header not found\"}}"));
        JsonRpcClient.Response response = chainId();
        assertAnsweredByAnvilAfterFailover(response);
        assertThat(response.body()).doesNotContain("header not found");
    }

    @Test
    void batchAnswerWithMoreItemsThanAskedIsFailedOverAsAWhole() {
        // Two asked (upstream ids 1 and 2), three answered: answers mixed up with someone else's; trust none.
        stub(json("[" + bad(1) + "," + bad(2) + "," + bad(3) + "]"));
        assertBatchAnsweredByAnvilAfterFailover(chainIdBatch());
    }

    @Test
    void batchAnswerRepeatingAnIdIsFailedOverAsAWhole() {
        stub(json("[" + bad(1) + "," + bad(1) + "]"));
        assertBatchAnsweredByAnvilAfterFailover(chainIdBatch());
    }

    @Test
    void singleObjectAnsweringABatchIsFailedOver() {
        stub(json(bad(1)));
        assertBatchAnsweredByAnvilAfterFailover(chainIdBatch());
    }

    @Test
    void emptyJsonArrayForASingleRequestIsFailedOver() {
        stub(json("[]"));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void http401WithAJsonRpcErrorBodyIsFailedOver() {
        // What Alchemy answers when the API key is wrong: the provider cannot serve anyone, the request is fine.
        stub(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"Must be authenticated!\"}}"));
        JsonRpcClient.Response response = chainId();
        assertThat(response.body()).doesNotContain("authenticated");
        assertAnsweredByAnvilAfterFailover(response);
    }

    @Test
    void executionRevertedComesBackAsIsWithoutAskingAnotherProvider() {
        String error = "{\"code\":3,\"message\":\"execution reverted: Ownable: caller is not the owner\","
                + "\"data\":\"0x08c379a000000000000000000000000000000000000000000000000000000000000000200000"
                + "000000000000000000000000000000000000000000000000000000000020\"}";
        stub(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":" + error + "}"));

        // anvil would answer this call with "0x" (no code at that address): a failover would show.
        JsonRpcClient.Response response = rpc(request(7, "eth_call",
                "[{\"to\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\",\"data\":\"0x8da5cb5b\"},\"latest\"]"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":" + error + "}");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
        assertThat(response.header("X-Tiergate-Tier")).isEqualTo("cloud");
        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("flaky_cloud");
        assertThat(wmCalls()).isEqualTo(1);
    }

    @Test
    void gethStyleExecutionRevertedComesBackAsIs() {
        stub(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"execution reverted\"}}"));

        JsonRpcClient.Response response = rpc(request(7, "eth_call",
                "[{\"to\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\",\"data\":\"0x8da5cb5b\"},\"latest\"]"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32000,\"message\":\"execution reverted\"}}");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
        assertThat(wmCalls()).isEqualTo(1);
    }

    @Test
    void methodNotFoundAtOneProviderIsAskedOfTheNext() {
        stub(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,"
                + "\"message\":\"the method eth_chainId does not exist/is not available\"}}"));
        assertAnsweredByAnvilAfterFailover(chainId());
    }

    @Test
    void methodNotFoundEverywhereReturnsTheProvidersMethodNotFound() {
        stub(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,"
                + "\"message\":\"the method tiergate_nothing does not exist/is not available\"}}"));

        JsonRpcClient.Response response = rpc(request(7, "tiergate_nothing", "[]"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32601,");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("2");
        assertThat(wmCalls()).isEqualTo(1);
    }

    private static String bad(int upstreamId) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + upstreamId + ",\"result\":\"" + BAD_RESULT + "\"}";
    }

    private JsonRpcClient.Response chainIdBatch() {
        return rpc("[" + request("a", "eth_chainId", "[]") + "," + request("b", "eth_chainId", "[]") + "]");
    }

    private void assertBatchAnsweredByAnvilAfterFailover(JsonRpcClient.Response response) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":" + ANVIL_CHAIN_ID
                + "},{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"result\":" + ANVIL_CHAIN_ID + "}]");
        assertThat(wmCalls()).isEqualTo(1);
    }

    private JsonRpcClient.Response chainId() {
        return rpc(request(7, "eth_chainId", "[]"));
    }

    private void assertAnsweredByAnvilAfterFailover(JsonRpcClient.Response response) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":" + ANVIL_CHAIN_ID + "}");
        assertThat(response.body()).doesNotContain(BAD_RESULT);
        assertThat(response.header("X-Tiergate-Tier")).isEqualTo("backup");
        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("anvil_backup");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("2");
        // The first tier was really asked (once: a POST is never silently sent twice).
        assertThat(wmCalls()).isEqualTo(1);
    }

    private static void stub(ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlEqualTo("/")).willReturn(response));
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static long wmCalls() {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build()).getCount();
    }
}
