package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A provider's quota ({@code rate-limit: {requests: 5, period: 1h}}): one token per JSON-RPC call; once
 * spent, the provider is not called at all and the next tier serves, until the period rolls over.
 * Each test has its own network (own provider, own bucket) on its own WireMock path.
 */
class QuotaIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvil;

    static {
        wm.start();
        anvil = AnvilNode.start();
    }

    static final String CLOUD_RESULT = "\"0x1\"";
    static final String ANVIL_RESULT = "\"0x7a69\"";

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        for (String network : List.of("ethereum", "batches")) {
            TestNetwork.named(network)
                    .tier("cloud", TestNetwork.provider("wm_cloud", "http://127.0.0.1:" + wm.port() + "/" + network)
                            .set("rate-limit.requests", "5")
                            .set("rate-limit.period", "1h"))
                    .tier("backup", TestNetwork.provider("anvil_backup", anvil.url()))
                    .register(registry);
        }
        TestNetwork.named("hardlimit")
                .tier("cloud", TestNetwork.provider("wm_cloud", "http://127.0.0.1:" + wm.port() + "/hardlimit")
                        .set("rate-limit.requests", "2")
                        .set("rate-limit.period", "1h"))
                .register(registry);
    }

    @BeforeAll
    static void stubs() {
        for (String network : List.of("ethereum", "batches", "hardlimit")) {
            wm.stubFor(post(urlEqualTo("/" + network)).atPriority(2).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + CLOUD_RESULT + "}")));
            wm.stubFor(post(urlEqualTo("/" + network)).atPriority(1).withRequestBody(matching("^\\s*\\[.*"))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + CLOUD_RESULT + "},"
                                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":" + CLOUD_RESULT + "},"
                                    + "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":" + CLOUD_RESULT + "}]")));
        }
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @Test
    void providerIsSkippedOnceItsQuotaIsSpentUntilThePeriodRollsOver() {
        for (int i = 1; i <= 5; i++) {
            assertServed(call("ethereum"), "cloud", CLOUD_RESULT);
            assertThat(wmCalls("ethereum")).isEqualTo(i);
        }
        for (int i = 6; i <= 9; i++) {
            assertServed(call("ethereum"), "backup", ANVIL_RESULT);
            assertThat(wmCalls("ethereum")).as("calls after request %d", i).isEqualTo(5);
        }

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        for (int i = 1; i <= 5; i++) {
            assertServed(call("ethereum"), "cloud", CLOUD_RESULT);
        }
        assertThat(wmCalls("ethereum")).isEqualTo(10);
        assertServed(call("ethereum"), "backup", ANVIL_RESULT);
        assertThat(wmCalls("ethereum")).isEqualTo(10);
    }

    @Test
    void aBatchOfThreeSpendsThreeCallsOfTheQuota() {
        String batch = "[" + request(11, "eth_chainId", "[]") + "," + request(12, "eth_chainId", "[]") + ","
                + request(13, "eth_chainId", "[]") + "]";

        assertThat(client.post(gatewayUrl() + "batches", batch).body())
                .as("first batch: 3 of 5 calls").isEqualTo(batchAnswer(CLOUD_RESULT));
        assertThat(wmCalls("batches")).isEqualTo(1);

        // 2 calls left: not enough for another batch of 3, which goes to the next tier whole.
        assertThat(client.post(gatewayUrl() + "batches", batch).body()).isEqualTo(batchAnswer(ANVIL_RESULT));
        assertThat(wmCalls("batches")).isEqualTo(1);

        // ...but enough for two single calls.
        assertServed(call("batches"), "cloud", CLOUD_RESULT);
        assertServed(call("batches"), "cloud", CLOUD_RESULT);
        assertThat(wmCalls("batches")).isEqualTo(3);
        assertServed(call("batches"), "backup", ANVIL_RESULT);
        assertThat(wmCalls("batches")).isEqualTo(3);
    }

    @Test
    void spentQuotaIsAHardLimitEvenWhenNoOtherProviderIsLeft() {
        assertServed(call("hardlimit"), "cloud", CLOUD_RESULT);
        assertServed(call("hardlimit"), "cloud", CLOUD_RESULT);

        // The only provider has spent its quota: no last-resort call either.
        JsonRpcClient.Response refused = call("hardlimit");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).contains("-32050").contains("wm_cloud (cloud): quota exhausted");
        assertThat(refused.header("X-Tiergate-Attempts")).isEqualTo("0");
        assertThat(wmCalls("hardlimit")).isEqualTo(2);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertServed(call("hardlimit"), "cloud", CLOUD_RESULT);
        assertThat(wmCalls("hardlimit")).isEqualTo(3);
    }

    private static String batchAnswer(String result) {
        return "[{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":" + result + "},"
                + "{\"jsonrpc\":\"2.0\",\"id\":12,\"result\":" + result + "},"
                + "{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":" + result + "}]";
    }

    private JsonRpcClient.Response call(String network) {
        return client.post(gatewayUrl() + network, request(7, "eth_chainId", "[]"));
    }

    private static void assertServed(JsonRpcClient.Response response, String tier, String result) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":" + result + "}");
        assertThat(response.header("X-Tiergate-Tier")).isEqualTo(tier);
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
    }

    private static long wmCalls(String network) {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo("/" + network)).build()).getCount();
    }
}
