package io.tiergate.cache;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The answer cache and local answers against a real anvil node behind WireMock (a proxy that counts what reaches
 * the node). Health probes are on, as in production: they give the best head that decides which blocks are deep
 * enough (confirmations 12) and verify the chain id. Before the application starts the node holds one transaction
 * and {@value #BLOCKS} more blocks, so blocks 1..{@value #DEEP} are deep.
 *
 * <p>Network ethereum: chain-id 31337, verified by the probe. Network unpinned: no chain-id, so eth_chainId is
 * never answered locally there.
 */
class AnswerCacheIT extends GatewayTest {

    private static final int BLOCKS = 40;
    private static final int DEEP = BLOCKS + 1 - 12;
    private static final Pattern RESULT = Pattern.compile("\"result\"\\s*:\\s*\"(0x[0-9a-fA-F]*)\"");
    private static final Pattern BLOCK_HASH = Pattern.compile("\"hash\"\\s*:\\s*\"(0x[0-9a-fA-F]{64})\"");

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode node = AnvilNode.start();
    static final String txHash;

    static {
        wm.start();
        wm.stubFor(post(urlEqualTo("/")).willReturn(aResponse().proxiedFrom(node.url())));
        wm.stubFor(post(urlEqualTo("/?n=unpinned")).willReturn(aResponse().proxiedFrom(node.url())));
        String from = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
        String raw = result(node.call("eth_signTransaction", "[{\"from\":\"" + from + "\",\"to\":\"" + from
                + "\",\"value\":\"0x1\",\"gas\":\"0x5208\",\"gasPrice\":\"0x77359400\",\"nonce\":\"0x0\","
                + "\"chainId\":\"0x7a69\"}]"));
        txHash = result(node.call("eth_sendRawTransaction", "[\"" + raw + "\"]"));
        node.mine(BLOCKS);
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("proxied_node", wm.baseUrl()))
                .set("chain-id", "31337")
                .set("health-check-interval", "1h")
                .register(registry);
        TestNetwork.named("unpinned")
                .tier("local", TestNetwork.provider("unpinned_node", wm.baseUrl() + "/?n=unpinned"))
                .set("health-check-interval", "1h")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        node.close();
    }

    @Autowired
    NetworkRegistry networks;

    @Autowired
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void probedAndCounting() throws InterruptedException {
        // The start-up probe gives the best head and verifies the chain id.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (networks.find("ethereum").heads().bestHead() < BLOCKS
                || !networks.find("ethereum").provider("proxied_node").health().chainVerified()) {
            assertThat(System.nanoTime()).as("start-up probe").isLessThan(deadline);
            Thread.sleep(50);
        }
        wm.resetRequests();
    }

    @Test
    void deepBlocksTransactionsAndReceiptsComeFromCacheAfterTheFirstCall() {
        String[] ids = {"1", "\"two\"", "18446744073709551617"};
        String first = null;
        for (String id : ids) {
            JsonRpcClient.Response response = rpc("{\"jsonrpc\":\"2.0\",\"id\":" + id
                    + ",\"method\":\"eth_getBlockByNumber\",\"params\":[\"0x2\",false]}");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{");
            String result = response.body().substring(response.body().indexOf("\"result\""));
            if (first == null) {
                first = result;
                assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
            } else {
                assertThat(result).as("the same bytes, the client's own id").isEqualTo(first);
                assertThat(response.header("X-Tiergate-Attempts")).as("no provider call").isEqualTo("0");
                assertThat(response.header("X-Tiergate-Provider")).isNull();
            }
        }
        String blockHash = match(BLOCK_HASH, first);
        for (int i = 0; i < 3; i++) {
            assertThat(rpc(request(i, "eth_getTransactionReceipt", "[\"" + txHash + "\"]")).body())
                    .contains("\"transactionHash\":\"" + txHash + "\"");
            assertThat(rpc(request(i, "eth_getTransactionByHash", "[\"" + txHash + "\"]")).body())
                    .contains("\"hash\":\"" + txHash + "\"");
            assertThat(rpc(request(i, "eth_getBlockByHash", "[\"" + blockHash + "\",false]")).body())
                    .contains("\"number\":\"0x2\"");
        }

        assertThat(upstream("eth_getBlockByNumber")).isEqualTo(1);
        assertThat(upstream("eth_getTransactionReceipt")).isEqualTo(1);
        assertThat(upstream("eth_getTransactionByHash")).isEqualTo(1);
        assertThat(upstream("eth_getBlockByHash")).isEqualTo(1);
        assertThat(meters.get("cache.gets").tag("cache", "tiergate.answers").tag("network", "ethereum")
                .tag("result", "hit").functionCounter().count()).isGreaterThanOrEqualTo(8);
        assertThat(meters.get("tiergate.cache.size.bytes").tag("network", "ethereum").gauge().value()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "pending", "safe", "finalized", "earliest"})
    void nothingAtABlockTagIsEverServedFromCache(String tag) {
        for (int i = 0; i < 3; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_getBlockByNumber", "[\"" + tag + "\",false]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
        }
        assertThat(upstream("eth_getBlockByNumber")).isEqualTo(3);
    }

    @Test
    void blocksWithinTheConfirmationDepthAndMutableReadsGoUpstreamEveryTime() {
        String shallow = "\"0x" + Long.toHexString(DEEP + 1) + "\"";
        for (int i = 0; i < 3; i++) {
            rpc(request(i, "eth_getBlockByNumber", "[" + shallow + ",false]"));
            rpc(request(i, "eth_getBalance", "[\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\",\"latest\"]"));
        }
        assertThat(upstream("eth_getBlockByNumber")).isEqualTo(3);
        assertThat(upstream("eth_getBalance")).isEqualTo(3);
    }

    @Test
    void nullAnswersAndErrorsAreNeverCached() {
        String unknown = "\"0x" + "12".repeat(32) + "\"";
        for (int i = 0; i < 2; i++) {
            assertThat(rpc(request(i, "eth_getTransactionReceipt", "[" + unknown + "]")).body()).contains("\"result\":null");
            assertThat(rpc(request(i, "eth_getBlockByHash", "[\"0x12\",false]")).body()).contains("\"error\"");
        }
        assertThat(upstream("eth_getTransactionReceipt")).isEqualTo(2);
        assertThat(upstream("eth_getBlockByHash")).isEqualTo(2);
    }

    @Test
    void cacheControlNoCacheGoesUpstreamAndNoStoreKeepsTheAnswerOut() throws Exception {
        String block3 = request(1, "eth_getBlockByNumber", "[\"0x3\",false]");
        rpc(block3);
        rpc(block3);
        assertThat(upstream("eth_getBlockByNumber")).as("cached after the first").isEqualTo(1);

        HttpResponse<String> fresh = postWith(block3, "Cache-Control", "no-cache");
        assertThat(fresh.body()).contains("\"number\":\"0x3\"");
        assertThat(fresh.headers().firstValue("X-Tiergate-Attempts")).hasValue("1");
        assertThat(upstream("eth_getBlockByNumber")).as("no-cache went upstream").isEqualTo(2);
        postWith(block3, "Pragma", "no-cache");
        assertThat(upstream("eth_getBlockByNumber")).as("Pragma: no-cache too").isEqualTo(3);
        rpc(block3);
        assertThat(upstream("eth_getBlockByNumber")).as("still cached for everyone else").isEqualTo(3);

        String block4 = request(2, "eth_getBlockByNumber", "[\"0x4\",false]");
        postWith(block4, "Cache-Control", "no-store");
        rpc(block4);
        assertThat(upstream("eth_getBlockByNumber")).as("no-store kept it out of the cache").isEqualTo(5);
        rpc(block4);
        assertThat(upstream("eth_getBlockByNumber")).isEqualTo(5);
    }

    @Test
    void chainIdAndNetVersionAreAnsweredLocallyOnceAProbeVerifiedTheChain() {
        for (int i = 0; i < 3; i++) {
            JsonRpcClient.Response chainId = rpc(request(i, "eth_chainId", "[]"));
            assertThat(chainId.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"result\":\"0x7a69\"}");
            assertThat(chainId.header("X-Tiergate-Attempts")).isEqualTo("0");
            JsonRpcClient.Response netVersion = rpc(request(i, "net_version", "[]"));
            assertThat(netVersion.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"result\":\"31337\"}");
        }
        assertThat(upstream("eth_chainId") + upstream("net_version")).isZero();

        // Without a configured chain id there is nothing verified to answer from: the node is asked.
        JsonRpcClient.Response unpinned = client.post(gatewayUrl() + "unpinned", request(9, "eth_chainId", "[]"));
        assertThat(unpinned.body()).contains("\"result\":\"0x7a69\"");
        assertThat(unpinned.header("X-Tiergate-Provider")).isEqualTo("unpinned_node");
        assertThat(meters.get("tiergate.local.answers").tag("network", "ethereum").tag("method", "net_version")
                .counter().count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aBatchGetsLocalAndCachedItemsHereAndSendsOnlyTheRestUpstreamAsOneBatch() {
        rpc(request(1, "eth_getBlockByNumber", "[\"0x5\",false]"));
        wm.resetRequests();
        String batch = "[" + request("a", "eth_chainId", "[]") + "," + request("b", "eth_getBlockByNumber", "[\"0x5\",false]")
                + "," + request("c", "eth_blockNumber", "[]") + "," + request("d", "eth_getBlockByNumber", "[\"latest\",false]")
                + "]";

        JsonRpcClient.Response response = rpc(batch);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).startsWith("[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":\"0x7a69\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"result\":{").contains("\"id\":\"c\",\"result\":\"0x")
                .contains("\"id\":\"d\",\"result\":{").doesNotContain("\"error\"");
        List<LoggedRequest> batches = wm.findAll(postRequestedFor(urlEqualTo("/"))).stream()
                .filter(r -> r.getBodyAsString().startsWith("[") && !r.getBodyAsString().contains("eth_syncing"))
                .toList();
        assertThat(batches).as("one upstream batch").hasSize(1);
        assertThat(batches.get(0).getBodyAsString()).contains("eth_blockNumber").contains("\"latest\"")
                .doesNotContain("eth_chainId").doesNotContain("\"0x5\"");

        // A batch answered entirely here makes no call at all.
        wm.resetRequests();
        JsonRpcClient.Response local = rpc("[" + request(1, "net_version", "[]") + ","
                + request(2, "eth_getBlockByNumber", "[\"0x5\",false]") + "]");
        assertThat(local.body()).startsWith("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"31337\"},{\"jsonrpc\":\"2.0\",\"id\":2");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    /** Single (non-batch) calls of {@code method} that reached the node of network ethereum. */
    private static long upstream(String method) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(matchingJsonPath("$.method", equalTo(method))).build()).getCount();
    }

    private HttpResponse<String> postWith(String body, String header, String value) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gatewayUrl())).header("Content-Type", "application/json")
                .header(header, value).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String result(String body) {
        return match(RESULT, body);
    }

    private static String match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as("%s in %s", pattern, text).isTrue();
        return m.group(1);
    }
}
