package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.FreePort;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * When nobody can answer: HTTP 503 with a JSON-RPC error naming every provider and why it failed (names only:
 * no URL, no API key); HTTP 504 when the request's deadline passes first; and the last-resort attempt when
 * every provider's breaker is open. Each test has its own network.
 */
class NoProviderIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        wm.start();
    }

    static final int DEAD_PORT = FreePort.next();
    static final String API_KEY = "SUPERSECRETKEY0123456789";
    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("cloud", TestNetwork.provider("wm_cloud", wmUrl("/down")))
                .tier("public",
                        TestNetwork.provider("dead_public", "http://127.0.0.1:" + DEAD_PORT),
                        TestNetwork.provider("keyed_public", "https://127.0.0.1:1/v3/{api-key}").set("api-key", API_KEY))
                .register(registry);
        TestNetwork.named("deadline")
                .tier("slow", TestNetwork.provider("wm_slow", wmUrl("/slow")).set("timeout", "5s"))
                .set("request-timeout", "1s")
                .register(registry);
        TestNetwork.named("lastresort")
                .tier("primary", TestNetwork.provider("first_a", wmUrl("/lr-a")))
                .tier("backup", TestNetwork.provider("second_b", wmUrl("/lr-b")))
                .set("circuit-breaker.failure-threshold", "3")
                .set("circuit-breaker.open-duration", "60s")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @Test
    void everyProviderFailingGives503NamingEachProviderTierAndReason() {
        wm.stubFor(post(urlEqualTo("/down")).willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));

        JsonRpcClient.Response response = rpc(request(7, "eth_blockNumber", "[]"));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("id").asInt()).isEqualTo(7);
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32050);
        assertThat(body.path("error").path("message").asString())
                .startsWith("no provider could answer: ")
                .contains("wm_cloud (cloud): HTTP 503")
                .contains("dead_public (public): connection refused")
                .contains("keyed_public (public): connection refused");

        JsonNode data = body.path("error").path("data");
        assertThat(data.path("attempts").asInt()).isEqualTo(3);
        List<String> providers = new ArrayList<>();
        for (JsonNode p : data.path("providers")) {
            providers.add(p.path("provider").asString() + "|" + p.path("tier").asString() + "|"
                    + p.path("reason").asString());
        }
        assertThat(providers).containsExactlyInAnyOrder(
                "wm_cloud|cloud|HTTP 503",
                "dead_public|public|connection refused",
                "keyed_public|public|connection refused");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("3");
        assertThat(wm.countRequestsMatching(postRequestedFor(urlEqualTo("/down")).build()).getCount()).isEqualTo(1);

        assertRevealsNoAddressOrKey(response);
    }

    @Test
    void deadlinePassingGives504WithinTheRequestTimeout() {
        wm.stubFor(post(urlEqualTo("/slow")).willReturn(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}")
                .withFixedDelay(5000)));

        long start = System.nanoTime();
        JsonRpcClient.Response response = client.post(gatewayUrl() + "deadline", request(7, "eth_blockNumber", "[]"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.status()).as(response.body()).isEqualTo(504);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("id").asInt()).isEqualTo(7);
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32051);
        assertThat(body.path("error").path("message").asString()).contains("wm_slow");
        // request-timeout 1s, although the provider's own timeout (5s) would have waited for the answer.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(3));
        assertRevealsNoAddressOrKey(response);
    }

    @Test
    void whenEveryBreakerIsOpenTheLeastRecentlyFailedProviderIsStillTriedOncePerRequest() {
        stubLastResort("/lr-a", aResponse().withStatus(503));
        stubLastResort("/lr-b", aResponse().withStatus(503));

        // Three requests, each failing on both providers: both breakers open.
        for (int i = 1; i <= 3; i++) {
            JsonRpcClient.Response response = lastResortCall();
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("2");
        }
        assertThat(calls("/lr-a")).isEqualTo(3);
        assertThat(calls("/lr-b")).isEqualTo(3);

        // Open-duration is 60s; the clock moves by seconds only, to order the failures in time.
        clock.advance(Duration.ofSeconds(10));
        JsonRpcClient.Response lastResort = lastResortCall();
        assertThat(lastResort.status()).isEqualTo(503);
        assertThat(lastResort.header("X-Tiergate-Attempts")).as("one last-resort attempt").isEqualTo("1");
        // Both failed at the same instant: the tie went to one of them, which has now failed most recently.
        long a = calls("/lr-a");
        long b = calls("/lr-b");
        assertThat(a + b).isEqualTo(7);
        String failedAgain = a == 4 ? "/lr-a" : "/lr-b";
        String other = a == 4 ? "/lr-b" : "/lr-a";
        String otherName = a == 4 ? "second_b" : "first_a";
        assertThat(JSON.readTree(lastResort.body()).path("error").path("message").asString())
                .contains("circuit open");

        // The other provider has recovered, and failed least recently: it answers, as the last resort.
        stubLastResort(other, json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}"));
        clock.advance(Duration.ofSeconds(10));
        for (int i = 1; i <= 3; i++) {
            JsonRpcClient.Response recovered = lastResortCall();
            assertThat(recovered.status()).as(recovered.body()).isEqualTo(200);
            assertThat(recovered.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\"}");
            assertThat(recovered.header("X-Tiergate-Provider")).isEqualTo(otherName);
            assertThat(recovered.header("X-Tiergate-Attempts")).isEqualTo("1");
        }
        assertThat(calls(other)).isEqualTo(3 + 3);
        assertThat(calls(failedAgain)).as("the most recently failed one is left alone").isEqualTo(4);
    }

    private JsonRpcClient.Response lastResortCall() {
        return client.post(gatewayUrl() + "lastresort", request(7, "eth_blockNumber", "[]"));
    }

    private static void stubLastResort(String path, ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlEqualTo(path)).willReturn(response));
    }

    private static long calls(String path) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo(path)).build()).getCount();
    }

    private static void assertRevealsNoAddressOrKey(JsonRpcClient.Response response) {
        List<String> forbidden = List.of("127.0.0.1:" + wm.port(), "localhost:" + wm.port(), ":" + DEAD_PORT,
                "SUPERSECRETKEY", "/v3/", "http://", "https://", "Exception", "at io.");
        assertThat(response.body()).doesNotContain(forbidden);
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            for (String value : header.getValue()) {
                assertThat(value).as("header %s", header.getKey()).doesNotContain(forbidden);
            }
        }
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static String wmUrl(String path) {
        return "http://127.0.0.1:" + wm.port() + path;
    }

}
