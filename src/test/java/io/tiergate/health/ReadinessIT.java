package io.tiergate.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.Eventually;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Readiness that means it: while the only provider has never answered, the pod is not ready (503), though the
 * provider itself is usable (a cold start serves); within one probe interval of its first answer it is.
 */
class ReadinessIT extends GatewayTest {

    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final String PROBE_ANSWER = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10\"},"
            + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":false},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x1\"}]";
    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        wm.start();
        wm.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(503).withBody("starting")));
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("slow_node", "http://127.0.0.1:" + wm.port() + "/"))
                .set("health-check-interval", INTERVAL.toSeconds() + "s")
                .set("max-failures", "100")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @LocalManagementPort
    int managementPort;

    @Test
    void notReadyUntilTheOnlyProviderHasAnsweredThenReadyWithinOneProbeInterval() {
        HealthEndpoints health = new HealthEndpoints(managementPort);
        Eventually.await("the first probe", () -> wm.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build())
                .getCount() >= 1);

        HealthEndpoints.Reply readiness = health.management("/actuator/health/readiness");
        assertThat(readiness.status()).as(readiness.body()).isEqualTo(503);
        assertThat(readiness.json().path("components").path("providersAnswered").path("status").asString())
                .isEqualTo("OUT_OF_SERVICE");
        assertThat(readiness.json().path("components").path("providersAnswered").path("details").path("ethereum")
                .asString()).isEqualTo("no usable provider has answered yet");
        assertThat(health.management("/actuator/health/liveness").status()).as("liveness never waits on providers")
                .isEqualTo(200);

        wm.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(PROBE_ANSWER)));
        clock.advance(INTERVAL.plusSeconds(1));

        Eventually.await("readiness UP within one probe interval",
                () -> health.management("/actuator/health/readiness").status() == 200,
                () -> health.management("/actuator/health/readiness").body());
        assertThat(health.management("/actuator/health/readiness").json().path("components")
                .path("providersAnswered").path("details").path("ethereum").asString())
                .isEqualTo("answered by slow_node");
    }
}
