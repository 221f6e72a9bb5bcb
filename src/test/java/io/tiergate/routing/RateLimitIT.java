package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rate-limit backoff: a provider that says "slow down" (HTTP 429, or a JSON-RPC rate-limit error) rests for
 * Retry-After, else 60s, 120s, 240s ... up to 900s, while its requests are answered by the next tier; it is
 * never charged to its circuit breaker.
 *
 * <p>Backoff state lives as long as the application, so each test drives its own network (same WireMock, its
 * own path) from a fresh provider.
 */
class RateLimitIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvil;

    static {
        wm.start();
        anvil = AnvilNode.start();
    }

    static final String ANVIL_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x7a69\"}";
    static final String CLOUD_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\"}";

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        for (String network : List.of("ethereum", "doubling", "jsonrpc", "breaker", "httpdate", "capped", "batchlimit")) {
            TestNetwork.named(network)
                    .tier("cloud", TestNetwork.provider("wm_cloud", "http://127.0.0.1:" + wm.port() + "/" + network))
                    .tier("backup", TestNetwork.provider("anvil_backup", anvil.url()))
                    .set("rate-limit-backoff.initial", "60s")
                    .set("rate-limit-backoff.max", "900s")
                    .set("circuit-breaker.failure-threshold", "3")
                    .set("circuit-breaker.open-duration", "60s")
                    .register(registry);
        }
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @Test
    void http429WithRetryAfterRestsTheProviderForThatLong() {
        String net = "ethereum";
        stub(net, aResponse().withStatus(429).withHeader("Retry-After", "30").withBody("Too Many Requests"));

        assertServedByBackup(call(net), 2);
        assertThat(wmCalls(net)).isEqualTo(1);
        assertServedByBackup(call(net), 1);
        assertServedByBackup(call(net), 1);
        assertThat(wmCalls(net)).as("resting: not asked").isEqualTo(1);

        clock.advance(Duration.ofSeconds(29));
        assertServedByBackup(call(net), 1);
        assertThat(wmCalls(net)).as("29s of the 30s rest").isEqualTo(1);

        stub(net, goodAnswer());
        clock.advance(Duration.ofSeconds(2));
        assertServedByCloud(call(net));
        assertThat(wmCalls(net)).as("asked again after Retry-After").isEqualTo(2);
    }

    @Test
    void http429WithoutRetryAfterRestsSixtyThenOneHundredTwentySecondsAndASuccessResetsTheDoubling() {
        String net = "doubling";
        stub(net, aResponse().withStatus(429).withBody("Too Many Requests"));

        assertServedByBackup(call(net), 2);
        assertThat(wmCalls(net)).isEqualTo(1);
        assertRestsFor(net, Duration.ofSeconds(60), 1);
        // Tried again after 60s, still limited: the second limit in a row rests 120s.
        assertThat(wmCalls(net)).isEqualTo(2);
        assertRestsFor(net, Duration.ofSeconds(120), 2);
        assertThat(wmCalls(net)).isEqualTo(3);
        // Third in a row: 240s. This time the provider has recovered when it is asked again.
        stub(net, goodAnswer());
        clock.advance(Duration.ofSeconds(239));
        assertServedByBackup(call(net), 1);
        assertThat(wmCalls(net)).isEqualTo(3);
        clock.advance(Duration.ofSeconds(2));
        assertServedByCloud(call(net));
        assertThat(wmCalls(net)).isEqualTo(4);

        // The success reset the count: the next limit rests 60s again, not 480s.
        stub(net, aResponse().withStatus(429).withBody("Too Many Requests"));
        assertServedByBackup(call(net), 2);
        assertThat(wmCalls(net)).isEqualTo(5);
        assertRestsFor(net, Duration.ofSeconds(60), 5);
        assertThat(wmCalls(net)).isEqualTo(6);
    }

    @Test
    void jsonRpcRateLimitErrorInAStatus200AnswerRestsTheProviderLikeA429() {
        String net = "jsonrpc";
        stub(net, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32005,"
                        + "\"message\":\"daily request count exceeded, request rate limited\"}}"));

        JsonRpcClient.Response first = call(net);
        assertServedByBackup(first, 2);
        assertThat(first.body()).doesNotContain("-32005").doesNotContain("exceeded");
        assertThat(wmCalls(net)).isEqualTo(1);

        assertRestsFor(net, Duration.ofSeconds(60), 1);
        assertThat(wmCalls(net)).isEqualTo(2);
        assertRestsFor(net, Duration.ofSeconds(120), 2);
        assertThat(wmCalls(net)).isEqualTo(3);
    }

    @Test
    void rateLimitsNeverOpenTheCircuitBreaker() {
        String net = "breaker";
        // Three failures in a row would open the breaker for 60s; ten rate limits must not.
        stub(net, aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("Too Many Requests"));

        for (int i = 1; i <= 10; i++) {
            assertServedByBackup(call(net), 2);
            assertThat(wmCalls(net)).as("asked after rest %d", i).isEqualTo(i);
            assertServedByBackup(call(net), 1);
            assertThat(wmCalls(net)).as("resting after limit %d", i).isEqualTo(i);
            clock.advance(Duration.ofSeconds(2));
        }

        stub(net, goodAnswer());
        assertServedByCloud(call(net));
        assertThat(wmCalls(net)).isEqualTo(11);
    }

    @Test
    void retryAfterGivenAsAnHttpDateIsHonoured() {
        String net = "httpdate";
        String in45s = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                clock.instant().plusSeconds(45).atZone(ZoneOffset.UTC));
        stub(net, aResponse().withStatus(429).withHeader("Retry-After", in45s).withBody("Too Many Requests"));

        assertServedByBackup(call(net), 2);
        assertThat(wmCalls(net)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(43));
        assertServedByBackup(call(net), 1);
        assertThat(wmCalls(net)).as("43s into a rest until %s", in45s).isEqualTo(1);

        stub(net, goodAnswer());
        clock.advance(Duration.ofSeconds(3));
        assertServedByCloud(call(net));
        assertThat(wmCalls(net)).isEqualTo(2);
    }

    @Test
    void retryAfterLongerThanMaxIsCappedAtMax() {
        String net = "capped";
        stub(net, aResponse().withStatus(429).withHeader("Retry-After", "86400").withBody("Too Many Requests"));

        assertServedByBackup(call(net), 2);
        assertThat(wmCalls(net)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(899));
        assertServedByBackup(call(net), 1);
        assertThat(wmCalls(net)).isEqualTo(1);

        stub(net, goodAnswer());
        clock.advance(Duration.ofSeconds(2));
        assertServedByCloud(call(net));
        assertThat(wmCalls(net)).as("rest capped at rate-limit-backoff.max 900s").isEqualTo(2);
    }

    @Test
    void batchRefusedWithOneRateLimitErrorIsServedWholeByTheNextTier() {
        String net = "batchlimit";
        // One error object, without an id, for the whole batch.
        stub(net, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":429,"
                        + "\"message\":\"Your app has exceeded its compute units per second capacity\"}}"));
        String batch = "[" + request(1, "eth_chainId", "[]") + "," + request(2, "net_version", "[]") + "]";

        JsonRpcClient.Response response = client.post(gatewayUrl() + net, batch);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a69\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"31337\"}]");
        assertThat(wmCalls(net)).isEqualTo(1);
        assertRestsFor(net, Duration.ofSeconds(60), 1);
    }

    /**
     * The provider was just limited ({@code callsBefore} calls so far): it is skipped for just under
     * {@code rest}, and asked again (and limited again, per its stub) just after.
     */
    private void assertRestsFor(String net, Duration rest, long callsBefore) {
        assertThat(wmCalls(net)).isEqualTo(callsBefore);
        clock.advance(rest.minusSeconds(1));
        assertServedByBackup(call(net), 1);
        assertThat(wmCalls(net)).as("1s before the end of a %ss rest", rest.toSeconds()).isEqualTo(callsBefore);
        clock.advance(Duration.ofSeconds(2));
        assertServedByBackup(call(net), 2);
        assertThat(wmCalls(net)).as("1s after the end of a %ss rest", rest.toSeconds()).isEqualTo(callsBefore + 1);
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

    private static void assertServedByCloud(JsonRpcClient.Response response) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(CLOUD_ANSWER);
        assertThat(response.header("X-Tiergate-Tier")).isEqualTo("cloud");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
    }

    private static ResponseDefinitionBuilder goodAnswer() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}");
    }

    private static void stub(String network, ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlEqualTo("/" + network)).willReturn(response));
    }

    private static long wmCalls(String network) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo("/" + network)).build()).getCount();
    }
}
