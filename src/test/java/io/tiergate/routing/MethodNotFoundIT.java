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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** An unknown method answered "method not found" by every usable provider never reaches a broken one. */
class MethodNotFoundIT extends GatewayTest {

    static final AnvilNode node = AnvilNode.start();
    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        wm.start();
        wm.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(503)));
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .set("circuit-breaker.failure-threshold", "1")
                .tier("local", TestNetwork.provider("broken", wm.baseUrl()))
                .tier("cloud", TestNetwork.provider("node", node.url()))
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        node.close();
    }

    @Test
    void methodNotFoundFromEveryUsableProviderDoesNotCallAProviderWhoseCircuitIsOpen() {
        assertThat(rpc(request(1, "eth_chainId", "[]")).header("X-Tiergate-Provider")).isEqualTo("node");
        assertThat(wm.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build()).getCount()).isEqualTo(1);

        JsonRpcClient.Response response = rpc(request(2, "eth_notAMethod", "[]"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"id\":2").contains("-32601");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("1");
        assertThat(wm.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build()).getCount())
                .as("calls to the provider whose circuit is open").isEqualTo(1);
    }
}
