package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.FreePort;
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
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Per-provider circuit breaker (failure-threshold 3, open-duration 60s): a provider failing with HTTP 503 (or
 * refusing connections) is skipped after three failures, gets one trial call once the open-duration has passed
 * on the clock, and is closed or reopened by that trial's outcome.
 *
 * <p>Breaker state lives as long as the application, so each test drives its own network (same WireMock, its
 * own path) from a fresh, closed breaker: the tests do not depend on their order.
 */
class CircuitBreakerIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvil;

    static {
        wm.start();
        anvil = AnvilNode.start();
    }

    static final String ANVIL_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x7a69\"}";
    static final String CLOUD_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\"}";
    /** A local port nothing listens on: connections are refused. */
    static final int DEAD_PORT = FreePort.next();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        for (String network : List.of("ethereum", "recovers", "relapses")) {
            TestNetwork.named(network)
                    .tier("cloud", TestNetwork.provider("wm_cloud", "http://127.0.0.1:" + wm.port() + "/" + network))
                    .tier("backup", TestNetwork.provider("anvil_backup", anvil.url()))
                    .set("circuit-breaker.failure-threshold", "3")
                    .set("circuit-breaker.open-duration", "60s")
                    // Five identical calls at once test the half-open trial: coalesced, they would be one call.
                    .set("coalescing.enabled", "false")
                    .register(registry);
        }
        TestNetwork.named("refused")
                .tier("cloud", TestNetwork.provider("dead_cloud", "http://127.0.0.1:" + DEAD_PORT))
                .tier("backup", TestNetwork.provider("anvil_backup", anvil.url()))
                .set("circuit-breaker.failure-threshold", "3")
                .set("circuit-breaker.open-duration", "60s")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @Test
    void opensAfterThreeFailuresAndStopsCallingTheProviderUntilOpenDurationPassed() {
        failWith503("ethereum");

        for (int i = 1; i <= 3; i++) {
            JsonRpcClient.Response response = call("ethereum");
            assertServedByBackup(response, 2);
            assertThat(wmCalls("ethereum")).as("calls to the failing provider after request %d", i).isEqualTo(i);
        }
        for (int i = 4; i <= 10; i++) {
            JsonRpcClient.Response response = call("ethereum");
            assertServedByBackup(response, 1);
            assertThat(wmCalls("ethereum")).as("calls to the failing provider after request %d", i).isEqualTo(3);
        }

        clock.advance(Duration.ofSeconds(59));
        assertServedByBackup(call("ethereum"), 1);
        assertThat(wmCalls("ethereum")).as("still open 59s after opening").isEqualTo(3);
    }

    @Test
    void halfOpenTrialThatSucceedsClosesTheBreakerAndTrafficReturnsToTheFirstTier() throws Exception {
        failWith503("recovers");
        openBreaker("recovers");

        clock.advance(Duration.ofSeconds(61));
        // The provider recovered, but answers slowly: while the single trial call is in flight, other
        // requests must not be let through to it.
        wm.stubFor(post(urlEqualTo("/recovers")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}")
                .withFixedDelay(1500)));

        List<JsonRpcClient.Response> concurrent = concurrently(5, () -> call("recovers"));

        assertThat(wmCalls("recovers")).as("exactly one half-open trial call").isEqualTo(4);
        assertThat(concurrent).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(concurrent).filteredOn(r -> "cloud".equals(r.header("X-Tiergate-Tier")))
                .hasSize(1)
                .allSatisfy(r -> assertThat(r.body()).isEqualTo(CLOUD_ANSWER));
        assertThat(concurrent).filteredOn(r -> "backup".equals(r.header("X-Tiergate-Tier")))
                .hasSize(4)
                .allSatisfy(r -> assertThat(r.body()).isEqualTo(ANVIL_ANSWER));

        // Closed: every request goes to the first tier again (now answering at full speed).
        wm.stubFor(post(urlEqualTo("/recovers")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}")));
        for (int i = 1; i <= 5; i++) {
            JsonRpcClient.Response response = call("recovers");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(CLOUD_ANSWER);
            assertThat(response.header("X-Tiergate-Tier")).isEqualTo("cloud");
            assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
            assertThat(wmCalls("recovers")).isEqualTo(4 + i);
        }
    }

    @Test
    void halfOpenTrialThatFailsReopensTheBreaker() {
        failWith503("relapses");
        openBreaker("relapses");

        clock.advance(Duration.ofSeconds(61));
        assertServedByBackup(call("relapses"), 2);
        assertThat(wmCalls("relapses")).as("one trial call").isEqualTo(4);

        for (int i = 0; i < 5; i++) {
            assertServedByBackup(call("relapses"), 1);
        }
        assertThat(wmCalls("relapses")).as("reopened: skipped again").isEqualTo(4);

        // The failed trial started a new open-duration.
        clock.advance(Duration.ofSeconds(59));
        assertServedByBackup(call("relapses"), 1);
        assertThat(wmCalls("relapses")).isEqualTo(4);
        clock.advance(Duration.ofSeconds(2));
        assertServedByBackup(call("relapses"), 2);
        assertThat(wmCalls("relapses")).as("next trial call").isEqualTo(5);
    }

    @Test
    void refusedConnectionsCountAsFailuresAndOpenTheBreaker() {
        for (int i = 1; i <= 3; i++) {
            assertServedByBackup(call("refused"), 2);
        }
        // Open: the dead provider is not even tried.
        for (int i = 0; i < 3; i++) {
            assertServedByBackup(call("refused"), 1);
        }
        clock.advance(Duration.ofSeconds(61));
        assertServedByBackup(call("refused"), 2);
        assertServedByBackup(call("refused"), 1);
    }

    private void openBreaker(String network) {
        for (int i = 1; i <= 3; i++) {
            assertServedByBackup(call(network), 2);
        }
        assertServedByBackup(call(network), 1);
        assertThat(wmCalls(network)).isEqualTo(3);
    }

    private JsonRpcClient.Response call(String network) {
        return client.post(gatewayUrl() + network, request(7, "eth_chainId", "[]"));
    }

    private static void assertServedByBackup(JsonRpcClient.Response response, int attempts) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(ANVIL_ANSWER);
        assertThat(response.header("X-Tiergate-Tier")).isEqualTo("backup");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo(Integer.toString(attempts));
    }

    private static void failWith503(String network) {
        wm.stubFor(post(urlEqualTo("/" + network)).willReturn(aResponse().withStatus(503)));
    }

    private static long wmCalls(String network) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo("/" + network)).build()).getCount();
    }

    private static <T> List<T> concurrently(int n, java.util.function.Supplier<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return task.get();
                }, pool));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (CompletableFuture<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

}
