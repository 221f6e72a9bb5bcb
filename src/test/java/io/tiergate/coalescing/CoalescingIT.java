package io.tiergate.coalescing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Identical reads in flight at the same moment share one upstream call. The provider is WireMock answering after
 * {@value #DELAY_MILLIS} ms, so concurrent requests surely overlap; it counts the calls that reach it. Network
 * ethereum coalesces (the default); network plain has {@code coalescing.enabled: false}.
 */
class CoalescingIT extends GatewayTest {

    private static final int DELAY_MILLIS = 2_500;
    private static final int CLIENTS = 8;

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        wm.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("node", wm.baseUrl() + "/node"))
                .register(registry);
        TestNetwork.named("plain")
                .tier("local", TestNetwork.provider("plain_node", wm.baseUrl() + "/plain"))
                .set("coalescing.enabled", "false")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void slowNode() {
        wm.resetAll();
        for (String path : new String[] {"/node", "/plain"}) {
            wm.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xba1a\"}")
                    .withFixedDelay(DELAY_MILLIS)));
        }
    }

    @Test
    void concurrentIdenticalReadsShareOneUpstreamCallAndEachClientGetsItsOwnId() throws Exception {
        double coalesced = coalesced();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            ids.add(i % 2 == 0 ? Integer.toString(i) : "\"client-" + i + "\"");
        }

        List<JsonRpcClient.Response> responses = concurrently(ids, id -> rpc("{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"method\":\"eth_getBalance\",\"params\":[\"0xabc\",\"latest\"]}"));

        for (int i = 0; i < CLIENTS; i++) {
            assertThat(responses.get(i).body())
                    .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + ids.get(i) + ",\"result\":\"0xba1a\"}");
            assertThat(responses.get(i).header("X-Tiergate-Provider")).isEqualTo("node");
        }
        assertThat(calls("/node", "eth_getBalance")).isEqualTo(1);
        assertThat(coalesced()).isEqualTo(coalesced + CLIENTS - 1);
        long followers = responses.stream().filter(r -> "0".equals(r.header("X-Tiergate-Attempts"))).count();
        assertThat(followers).as("provider calls are the first client's").isEqualTo(CLIENTS - 1);
    }

    @Test
    void readsThatDifferInTheirParamsAreNotShared() throws Exception {
        List<String> addresses = List.of("0xa1", "0xa2", "0xa1", "0xa2");

        concurrently(addresses, a -> rpc(request(1, "eth_getBalance", "[\"" + a + "\",\"latest\"]")));

        assertThat(calls("/node", "0xa1")).isEqualTo(1);
        assertThat(calls("/node", "0xa2")).isEqualTo(1);
    }

    @Test
    void aReadAfterTheSharedCallEndedGoesUpstreamAgain() {
        rpc(request(1, "eth_gasPrice", "[]"));
        rpc(request(2, "eth_gasPrice", "[]"));

        assertThat(calls("/node", "eth_gasPrice")).as("no answer outlives its call").isEqualTo(2);
    }

    @Test
    void transactionsAreNeverShared() throws Exception {
        String raw = "0x02f868827a698001847735940082520894f39fd6e51aad88f6f4ce6ab8827279cfffb922660180c080a00e10989f"
                + "a887ad6aadd98d1b1215c23e14ee6326b36613504d135ddec8267992a00fa7a3db0b4c4e737f555e982132c8e3d68dfdf3"
                + "94fd74a1c74e11ba540f4eb7";

        concurrently(List.of(1, 2, 3), id -> rpc(request(id, "eth_sendRawTransaction", "[\"" + raw + "\"]")));

        assertThat(calls("/node", "eth_sendRawTransaction")).isEqualTo(3);
    }

    @Test
    void withCoalescingOffEveryRequestMakesItsOwnCall() throws Exception {
        concurrently(List.of(1, 2, 3, 4), id -> client.post(gatewayUrl() + "plain",
                request(id, "eth_getBalance", "[\"0xabc\",\"latest\"]")));

        assertThat(calls("/plain", "eth_getBalance")).isEqualTo(4);
    }

    private double coalesced() {
        return meters.get("tiergate.coalesced.requests").tag("network", "ethereum").counter().count();
    }

    private static long calls(String path, String bodyPart) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo(path)).withRequestBody(containing(bodyPart)).build())
                .getCount();
    }

    /** Sends one request per input at the same moment; answers in input order. */
    private static <T> List<JsonRpcClient.Response> concurrently(List<T> inputs,
            Function<T, JsonRpcClient.Response> send) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(inputs.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<CompletableFuture<JsonRpcClient.Response>> futures = new ArrayList<>();
            for (T input : inputs) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return send.apply(input);
                }, pool));
            }
            go.countDown();
            List<JsonRpcClient.Response> responses = new ArrayList<>();
            for (CompletableFuture<JsonRpcClient.Response> f : futures) {
                JsonRpcClient.Response response = f.get(30, TimeUnit.SECONDS);
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                responses.add(response);
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}
