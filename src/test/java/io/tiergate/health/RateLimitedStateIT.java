package io.tiergate.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A provider that has answered nothing but HTTP 429 since start-up tells the truth everywhere an operator
 * looks: RATE_LIMITED in its admin view (with the 429 in errorRate and lastError), in /admin/status, in the
 * Actuator tier details, in {@code tiergate_provider_state} and in a log line on the transition.
 */
@ExtendWith(OutputCaptureExtension.class)
class RateLimitedStateIT extends GatewayTest {

    private static final String TOKEN = "state-test-token-0123456789";
    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvil;

    static {
        wm.start();
        wm.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")
                .withBody("Too Many Requests")));
        anvil = AnvilNode.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tiergate.admin.tokens.ops", () -> TOKEN);
        TestNetwork.named("ethereum")
                .tier("cloud", TestNetwork.provider("limited", "http://127.0.0.1:" + wm.port() + "/"))
                .tier("backup", TestNetwork.provider("backup", anvil.url()))
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @LocalManagementPort
    int managementPort;

    private final JsonMapper json = JsonMapper.builder().build();

    private JsonRpcClient.Response management(String path) {
        return client.send("GET", "http://127.0.0.1:" + managementPort + path, null,
                Map.of("Authorization", "Bearer " + TOKEN));
    }

    @Test
    void aProviderAnsweringOnly429ShowsRateLimitedInEveryPlace(CapturedOutput output) {
        JsonRpcClient.Response answer = rpc(request(1, "eth_chainId", "[]"));
        assertThat(answer.body()).as("served by the backup tier").contains("\"result\":\"0x7a69\"");

        JsonNode view = json.readTree(management("/admin/networks/ethereum/providers/limited").body());
        assertThat(view.path("health").asString()).as(view.toString()).isEqualTo("RATE_LIMITED");
        assertThat(view.path("errorRate").asDouble()).as("the 429 counts as an error").isEqualTo(1.0);
        assertThat(view.path("lastError").asString()).isEqualTo("HTTP 429, Retry-After 30 s");
        assertThat(view.path("availability").asString()).isEqualTo("rate-limited, backing off");

        String status = management("/admin/status").body();
        assertThat(status.lines().filter(l -> l.contains("limited") && !l.contains("backup")))
                .as(status).anyMatch(l -> l.contains("RATE_LIMITED"));

        JsonNode tier = json.readTree(management("/actuator/health/tiergate/ethereum/cloud").body());
        assertThat(tier.path("details").path("providers").path("limited").path("state").asString())
                .as(tier.toString()).isEqualTo("RATE_LIMITED");

        String metrics = management("/actuator/prometheus").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("tiergate_provider_state{")
                && l.contains("provider=\"limited\"") && l.contains("state=\"RATE_LIMITED\"")))
                .as("tiergate_provider_state{state=RATE_LIMITED}").singleElement().satisfies(l -> assertThat(l).endsWith(" 1.0"));

        assertThat(output.getAll()).contains("Provider limited (cloud tier, network ethereum): UNKNOWN -> RATE_LIMITED");
    }
}
