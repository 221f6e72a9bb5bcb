package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Per-provider methods and "method not found" memory, against WireMock stubs that count every call.
 *
 * <p>Network ethereum (round-robin): local = geth (deny trace_*, parity_*) and erigon (allow trace_*, eth_*, net_*),
 * cloud = infura (deny trace_*, debug_*, parity_*). Network broken: erigon alone allows trace_* and answers HTTP 503.
 * Network batch: geth_q (deny trace_*) and erigon_q (allow trace_*, eth_*), both anvil behind WireMock. Network
 * learning: first tier "a" lacks some methods (answers -32601 for them), second tier "b".
 */
class MethodRoutingIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    /** Behind WireMock (which counts) for the batch test: anvil answers trace_block, web3_ and eth_ alike. */
    static final AnvilNode node = AnvilNode.start();

    static {
        wm.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local",
                        TestNetwork.provider("geth", wm.baseUrl() + "/geth")
                                .set("methods.deny[0]", "trace_*").set("methods.deny[1]", "parity_*"),
                        TestNetwork.provider("erigon", wm.baseUrl() + "/erigon")
                                .set("methods.allow[0]", "trace_*").set("methods.allow[1]", "eth_*")
                                .set("methods.allow[2]", "net_*"))
                .tier("cloud", TestNetwork.provider("infura", wm.baseUrl() + "/infura")
                        .set("methods.deny[0]", "trace_*").set("methods.deny[1]", "debug_*")
                        .set("methods.deny[2]", "parity_*"))
                .set("strategy", "round-robin")
                .register(registry);
        TestNetwork.named("broken")
                .tier("local", TestNetwork.provider("broken_geth", wm.baseUrl() + "/geth").set("methods.deny[0]", "trace_*"),
                        TestNetwork.provider("broken_erigon", wm.baseUrl() + "/down"))
                .tier("cloud", TestNetwork.provider("broken_infura", wm.baseUrl() + "/infura")
                        .set("methods.deny[0]", "trace_*"))
                .set("circuit-breaker.enabled", "false")
                .register(registry);
        TestNetwork.named("batch")
                .tier("local",
                        TestNetwork.provider("geth_q", wm.baseUrl() + "/?p=geth").set("methods.deny[0]", "trace_*"),
                        TestNetwork.provider("erigon_q", wm.baseUrl() + "/?p=erigon")
                                .set("methods.allow[0]", "trace_*").set("methods.allow[1]", "eth_*"))
                .register(registry);
        TestNetwork.named("learning")
                .tier("first", TestNetwork.provider("a", wm.baseUrl() + "/a"))
                .tier("second", TestNetwork.provider("b", wm.baseUrl() + "/b"))
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        node.close();
    }

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void stubs() {
        wm.resetAll();
        for (String provider : new String[] {"geth", "erigon", "infura", "a", "b"}) {
            wm.stubFor(post(urlEqualTo("/" + provider)).willReturn(result("\"" + provider + "\"")));
        }
        wm.stubFor(post(urlEqualTo("/down")).willReturn(aResponse().withStatus(503)));
        // "a" has no trace_ namespace and no eth_fancy; "b" has no eth_fancy either.
        wm.stubFor(post(urlEqualTo("/a")).withRequestBody(containing("trace_")).atPriority(1).willReturn(notFound()));
        wm.stubFor(post(urlEqualTo("/a")).withRequestBody(containing("eth_fancy")).atPriority(1).willReturn(notFound()));
        wm.stubFor(post(urlEqualTo("/b")).withRequestBody(containing("eth_fancy")).atPriority(1).willReturn(notFound()));
    }

    @Test
    void traceCallsReachOnlyTheProviderThatAllowsThem() {
        for (int i = 0; i < 10; i++) {
            JsonRpcClient.Response response = rpc(request(i, "trace_block", "[\"0x10\"]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"result\":\"erigon\"");
            assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
        }
        Map<String, Integer> reads = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            reads.merge(rpc(request(i, "eth_getLogs", "[{}]")).header("X-Tiergate-Provider"), 1, Integer::sum);
        }

        assertThat(calls("/erigon", "trace_block")).isEqualTo(10);
        assertThat(calls("/geth", "trace_")).isZero();
        assertThat(calls("/infura", "trace_")).isZero();
        assertThat(reads).as("other reads still spread over the local tier").containsOnlyKeys("geth", "erigon");
        // net_version is allowed on erigon, web3_ is not: it goes to geth alone.
        assertThat(rpc(request(1, "web3_clientVersion", "[]")).header("X-Tiergate-Provider")).isEqualTo("geth");
        assertThat(meters.get("tiergate.method.skips").tag("provider", "geth").tag("reason", "configured").counter()
                .count()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void aMethodNoProviderAllowsIsAClearErrorAndReachesNobody() {
        JsonRpcClient.Response response = rpc(request(7, "parity_pendingTransactions", "[]"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"id\":7").contains("\"code\":-32601")
                .contains("method parity_pendingTransactions is not served by any provider of network ethereum")
                .contains("methods.allow / methods.deny");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("0");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void whenTheOnlyProviderAllowingAMethodIsDownTheErrorNamesTheMethodAndThatProvider() {
        JsonRpcClient.Response response = client.post(gatewayUrl() + "broken", request(8, "trace_transaction", "[\"0x1\"]"));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body()).contains("\"id\":8").contains("\"code\":-32050")
                .contains("no provider could answer trace_transaction (served only by broken_erigon (local))")
                .contains("broken_erigon (local): HTTP 503")
                .doesNotContain(wm.baseUrl());
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
        assertThat(calls("/geth", "trace_")).isZero();
        assertThat(calls("/infura", "trace_")).isZero();
    }

    @Test
    void inABatchEachItemGoesOnlyToAProviderThatServesItsMethod() {
        wm.stubFor(post(urlEqualTo("/?p=geth")).willReturn(aResponse().proxiedFrom(node.url())));
        wm.stubFor(post(urlEqualTo("/?p=erigon")).willReturn(aResponse().proxiedFrom(node.url())));
        String batch = "[" + request(1, "trace_block", "[\"0x0\"]") + "," + request(2, "web3_clientVersion", "[]")
                + "," + request(3, "eth_blockNumber", "[]") + "]";

        for (int i = 0; i < 4; i++) {
            JsonRpcClient.Response response = client.post(gatewayUrl() + "batch", batch);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}")
                    .contains("\"id\":2,\"result\":\"anvil").contains("\"id\":3,\"result\":\"0x")
                    .doesNotContain("\"error\"");
        }
        assertThat(calls("/?p=erigon", "trace_block")).isEqualTo(4);
        assertThat(calls("/?p=geth", "trace_")).isZero();
        assertThat(calls("/?p=erigon", "web3_clientVersion")).isZero();
        assertThat(calls("/?p=geth", "web3_clientVersion")).isEqualTo(4);
    }

    @Test
    void methodNotFoundIsRememberedForTheTtlThenAskedAgain() {
        JsonRpcClient.Response first = client.post(gatewayUrl() + "learning", request(1, "trace_block", "[\"0x1\"]"));
        assertThat(first.body()).contains("\"result\":\"b\"");
        assertThat(first.header("X-Tiergate-Attempts")).isEqualTo("2");
        assertThat(calls("/a", "trace_block")).isEqualTo(1);

        // Within method-not-found-ttl (10m): "a" is skipped for trace_block, straight to "b".
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            JsonRpcClient.Response again = client.post(gatewayUrl() + "learning", request(2, "trace_block", "[\"0x1\"]"));
            assertThat(again.body()).contains("\"result\":\"b\"");
            assertThat(again.header("X-Tiergate-Attempts")).isEqualTo("1");
        }
        assertThat(calls("/a", "trace_block")).isEqualTo(1);
        // Only that method: "a" still serves the others.
        assertThat(client.post(gatewayUrl() + "learning", request(3, "eth_blockNumber", "[]")).header("X-Tiergate-Provider"))
                .isEqualTo("a");
        assertThat(meters.get("tiergate.method.skips").tag("provider", "a").tag("reason", "learned").counter().count())
                .isGreaterThanOrEqualTo(5);

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        JsonRpcClient.Response expired = client.post(gatewayUrl() + "learning", request(4, "trace_block", "[\"0x1\"]"));
        assertThat(expired.header("X-Tiergate-Attempts")).as("asked again after the TTL").isEqualTo("2");
        assertThat(calls("/a", "trace_block")).isEqualTo(2);
    }

    @Test
    void aMethodEveryProviderLacksIsAnsweredWithoutAnyCallOnceLearned() {
        JsonRpcClient.Response first = client.post(gatewayUrl() + "learning", request(1, "eth_fancy", "[]"));
        assertThat(first.body()).contains("\"code\":-32601").contains("Method not found");
        assertThat(first.header("X-Tiergate-Attempts")).as("both asked").isEqualTo("2");

        JsonRpcClient.Response second = client.post(gatewayUrl() + "learning", request(2, "eth_fancy", "[]"));

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).contains("\"id\":2").contains("\"code\":-32601")
                .contains("method eth_fancy is not served by any provider of network learning: a (first), b (second) "
                        + "answered method not found");
        assertThat(second.header("X-Tiergate-Attempts")).isEqualTo("0");
        assertThat(calls("/a", "eth_fancy") + calls("/b", "eth_fancy")).isEqualTo(2);
    }

    private static long calls(String path, String bodyPart) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo(path)).withRequestBody(containing(bodyPart)).build())
                .getCount();
    }

    private static ResponseDefinitionBuilder result(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + json + "}");
    }

    private static ResponseDefinitionBuilder notFound() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}");
    }
}
