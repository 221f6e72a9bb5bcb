package io.tiergate.routing;

import static io.tiergate.testsupport.Eventually.await;
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
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Hedged reads against a fault injector (WireMock). Network ethereum: tier first = "slow" (answers after
 * {@value #SLOW_MILLIS} ms), tier second = "fast"; hedge after a fixed 100 ms, at most one hedge in flight.
 * Network quantile: the same layout with a fixed delay of 10 s but {@code hedge.quantile: 0.9}, so only the
 * provider's measured latency can make it hedge early. The slow provider's timeout (10 s) is far above its delay:
 * only a hedge answers early.
 */
class HedgedReadIT extends GatewayTest {

    private static final int SLOW_MILLIS = 5_000;

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        wm.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("first", TestNetwork.provider("slow", wm.baseUrl() + "/slow").set("timeout", "10s"))
                .tier("second", TestNetwork.provider("fast", wm.baseUrl() + "/fast").set("timeout", "10s"))
                .set("hedge.enabled", "true")
                .set("hedge.delay", "100ms")
                .set("hedge.max-in-flight", "1")
                .set("coalescing.enabled", "false")
                .register(registry);
        TestNetwork.named("quantile")
                .tier("first", TestNetwork.provider("q_first", wm.baseUrl() + "/q1").set("timeout", "10s"))
                .tier("second", TestNetwork.provider("q_second", wm.baseUrl() + "/q2").set("timeout", "10s"))
                .set("hedge.enabled", "true")
                .set("hedge.delay", "10s")
                .set("hedge.quantile", "0.9")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @Autowired
    MeterRegistry meters;

    @Autowired
    NetworkRegistry networks;

    @BeforeEach
    void stubs() {
        wm.resetAll();
        wm.stubFor(post(urlEqualTo("/slow")).willReturn(result("0x510").withFixedDelay(SLOW_MILLIS)));
        // eth_chainId: the slow provider answers at once, so there is nothing to hedge.
        wm.stubFor(post(urlEqualTo("/slow")).withRequestBody(containing("eth_chainId")).atPriority(1)
                .willReturn(result("0x1")));
        wm.stubFor(post(urlEqualTo("/fast")).willReturn(result("0xfa57")));
    }

    @Test
    void aSlowProviderIsHedgedTheFasterAnswerWinsAndTheSlowCallIsCancelledUncharged() {
        double sent = hedges("ethereum", "sent");
        double won = hedges("ethereum", "won");
        Provider slow = networks.find("ethereum").provider("slow");
        int failedBefore = slow.breaker().getMetrics().getNumberOfFailedCalls();
        List<Long> millis = new ArrayList<>();

        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            JsonRpcClient.Response response = rpc(request(i, "eth_getBalance", "[\"0x" + i + "\",\"latest\"]"));
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"result\":\"0xfa57\"}");
            assertThat(response.header("X-Tiergate-Provider")).isEqualTo("fast");
            assertThat(response.header("X-Tiergate-Attempts")).as("the slow call and its hedge").isEqualTo("2");
        }
        System.out.printf("hedged reads, slow provider %d ms, hedge after 100 ms: client latencies %s ms%n",
                SLOW_MILLIS, millis);

        assertThat(millis).as("every answer well before the slow provider's")
                .allSatisfy(ms -> assertThat(ms).isLessThan(SLOW_MILLIS - 1_000L));
        assertThat(hedges("ethereum", "sent")).isEqualTo(sent + 5);
        assertThat(hedges("ethereum", "won")).isEqualTo(won + 5);
        assertThat(calls("/slow")).as("the slow provider was asked every time").isEqualTo(5);
        assertThat(calls("/fast")).isEqualTo(5);
        // Cancelled, not waited for: nothing in flight there long before its 5 s answers.
        await("the slow calls cancelled", () -> slow.inFlight() == 0, Duration.ofMillis(SLOW_MILLIS - 1_000L));
        assertThat(slow.breaker().getMetrics().getNumberOfFailedCalls()).as("a cancelled call is no failure")
                .isEqualTo(failedBefore);
        assertThat(slow.consecutiveFailures()).isZero();
        assertThat(slow.breaker().getState().name()).isEqualTo("CLOSED");
    }

    @Test
    void aProviderThatAnswersWithinTheDelayIsNotHedged() {
        double sent = hedges("ethereum", "sent");

        JsonRpcClient.Response response = rpc(request(1, "eth_chainId", "[]"));

        assertThat(response.body()).contains("\"result\":\"0x1\"");
        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("slow");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
        assertThat(hedges("ethereum", "sent")).isEqualTo(sent);
        assertThat(calls("/fast")).isZero();
    }

    @Test
    void writesAreNeverHedged() {
        String raw = "0x02f868827a698001847735940082520894f39fd6e51aad88f6f4ce6ab8827279cfffb922660180c080a00e10989f"
                + "a887ad6aadd98d1b1215c23e14ee6326b36613504d135ddec8267992a00fa7a3db0b4c4e737f555e982132c8e3d68dfdf3"
                + "94fd74a1c74e11ba540f4eb7";
        wm.stubFor(post(urlEqualTo("/slow")).withRequestBody(containing("eth_sendRawTransaction")).atPriority(1)
                .willReturn(result("0x9b97d891156a54e499c617abf2184f6393e144501626c064e1f17287a4a91ca7")
                        .withFixedDelay(1_000)));
        double sent = hedges("ethereum", "sent");

        JsonRpcClient.Response response = rpc(request(1, "eth_sendRawTransaction", "[\"" + raw + "\"]"));

        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("slow");
        assertThat(hedges("ethereum", "sent")).isEqualTo(sent);
        assertThat(calls("/fast")).isZero();
    }

    @Test
    void hedgesBeyondMaxInFlightAreNotSent() throws Exception {
        // The hedge target is slow too, so the first hedge holds the only slot while the others would start.
        wm.stubFor(post(urlEqualTo("/fast")).willReturn(result("0xfa57").withFixedDelay(2_500)));
        double sent = hedges("ethereum", "sent");
        double suppressed = hedges("ethereum", "suppressed");
        int requests = 3;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<CompletableFuture<JsonRpcClient.Response>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String body = request(i, "eth_getBalance", "[\"0xb" + i + "\",\"latest\"]");
                futures.add(CompletableFuture.supplyAsync(() -> {
                    awaitLatch(go);
                    return rpc(body);
                }, pool));
            }
            go.countDown();
            for (CompletableFuture<JsonRpcClient.Response> f : futures) {
                assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(hedges("ethereum", "sent")).as("max-in-flight 1").isEqualTo(sent + 1);
        assertThat(hedges("ethereum", "suppressed")).isEqualTo(suppressed + requests - 1);
        assertThat(calls("/fast")).as("calls that reached the hedge target").isEqualTo(1);
        assertThat(calls("/slow")).isEqualTo(requests);
    }

    @Test
    void withAQuantileTheDelayFollowsTheProvidersMeasuredLatency() {
        wm.stubFor(post(urlEqualTo("/q1")).willReturn(result("0x91")));
        wm.stubFor(post(urlEqualTo("/q2")).willReturn(result("0x92")));
        // 30 quick answers: the first provider's p90 is now a few milliseconds (the slowest tenth of the later
        // ones may be hedged already, by design).
        for (int i = 0; i < 30; i++) {
            assertThat(client.post(gatewayUrl() + "quantile", request(i, "eth_getBalance", "[\"0xc" + i + "\",\"latest\"]"))
                    .status()).isEqualTo(200);
        }
        wm.stubFor(post(urlEqualTo("/q1")).willReturn(result("0x91").withFixedDelay(SLOW_MILLIS)));

        long start = System.nanoTime();
        JsonRpcClient.Response response = client.post(gatewayUrl() + "quantile",
                request(99, "eth_getBalance", "[\"0xd\",\"latest\"]"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // The fixed delay is 10 s: only the latency quantile can have hedged this early.
        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("q_second");
        assertThat(response.body()).contains("\"result\":\"0x92\"");
        assertThat(millis).isLessThan(SLOW_MILLIS - 1_000L);
        System.out.printf("quantile hedge: answered in %d ms (first provider now %d ms, fixed delay 10 s)%n", millis,
                SLOW_MILLIS);
    }

    private double hedges(String network, String outcome) {
        var counter = meters.find("tiergate.hedges").tag("network", network).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static long calls(String path) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo(path)).build()).getCount();
    }

    private static ResponseDefinitionBuilder result(String value) {
        // tiergate sends its own id upstream: 1 for a single request.
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + value + "\"}");
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
