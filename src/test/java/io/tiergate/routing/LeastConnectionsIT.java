package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * least-connections: a fast anvil node and a slow provider (WireMock, 300 ms per answer) in one tier. Under
 * concurrent load the slow one holds its requests longer, so new requests go to the fast one; with nothing in
 * flight anywhere, the higher weight wins. The slow provider has the higher weight on purpose: a strategy that
 * ignored in-flight counts would send it everything.
 */
class LeastConnectionsIT extends GatewayTest {

    private static final int SLOW_MILLIS = 300;

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode fast = AnvilNode.start();

    static {
        wm.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("fast", fast.url()).weight(50),
                        TestNetwork.provider("slow", wm.baseUrl()).weight(100))
                .set("strategy", "least-connections")
                // The load is 40 identical eth_blockNumber calls at once: coalesced, they would be one call.
                .set("coalescing.enabled", "false")
                .register(registry);
    }

    @AfterAll
    static void stopProviders() {
        wm.stop();
        fast.close();
    }

    @BeforeEach
    void slowStub() {
        wm.resetAll();
        // tiergate sends its own id upstream: 1 for a single request.
        wm.stubFor(post(urlEqualTo("/")).willReturn(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}")
                .withFixedDelay(SLOW_MILLIS)));
    }

    @Test
    void concurrentRequestsGoMostlyToTheProviderWithFewerInFlight() throws Exception {
        int requests = 40;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<JsonRpcClient.Response>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String body = request(i, "eth_blockNumber", "[]");
                futures.add(CompletableFuture.supplyAsync(() -> rpc(body), pool));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            Map<String, Integer> byProvider = new HashMap<>();
            for (CompletableFuture<JsonRpcClient.Response> future : futures) {
                JsonRpcClient.Response response = future.join();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).contains("\"result\":\"0x");
                byProvider.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
            }
            System.out.println("least-connections, " + requests + " concurrent requests: " + byProvider);

            int fastCount = byProvider.getOrDefault("fast", 0);
            int slowCount = byProvider.getOrDefault("slow", 0);
            assertThat(fastCount + slowCount).isEqualTo(requests);
            assertThat(slowCount).as("the slow provider took its share while idle").isPositive();
            assertThat(fastCount).as("fast node served clearly more than the slow one: %s", byProvider)
                    .isGreaterThanOrEqualTo(3 * slowCount);
            assertThat(wm.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build()).getCount())
                    .isEqualTo(slowCount);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sequentialRequestsWithNothingInFlightGoToTheHigherWeight() {
        for (int i = 0; i < 5; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains("\"id\":" + i).contains("\"result\":\"0x1\"");
            assertThat(response.header("X-Tiergate-Provider")).isEqualTo("slow");
        }
        assertThat(wm.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build()).getCount()).isEqualTo(5);
    }
}
