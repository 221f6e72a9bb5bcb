package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A provider's breaker tuned as in any Spring service: a {@code Customizer<Resilience4JCircuitBreakerFactory>} bean,
 * or Resilience4j's {@code resilience4j.circuitbreaker.instances.<name>.*} keys, replace tiergate's
 * {@code circuit-breaker} keys (here failure-threshold 3) for the breaker they name; the others keep tiergate's.
 * Each network fails with HTTP 503 on its own WireMock path, with anvil as the backup tier.
 */
@Import(CircuitBreakerCustomizationIT.UserCustomizer.class)
class CircuitBreakerCustomizationIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvil;

    static {
        wm.start();
        anvil = AnvilNode.start();
    }

    static final String ANVIL_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x7a69\"}";
    static final String BY_PROPERTY = "resilience4j.circuitbreaker.instances[byproperty.wm_cloud].";

    /** What a user writes: the erigon-like provider of one network opens after 2 failures in a row, not 3. */
    @TestConfiguration(proxyBeanMethods = false)
    static class UserCustomizer {
        @Bean
        Customizer<Resilience4JCircuitBreakerFactory> fragileProvider() {
            return factory -> factory.configure(builder -> builder.circuitBreakerConfig(CircuitBreakerConfig.custom()
                    .slidingWindowType(SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(2)
                    .minimumNumberOfCalls(2)
                    .failureRateThreshold(100)
                    .waitDurationInOpenState(Duration.ofSeconds(20))
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .build()), "customized.wm_cloud");
        }
    }

    @Autowired
    CircuitBreakerRegistry breakers;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        for (String network : List.of("customized", "byproperty", "plain")) {
            TestNetwork.named(network)
                    .tier("cloud", TestNetwork.provider("wm_cloud", "http://127.0.0.1:" + wm.port() + "/" + network))
                    .tier("backup", TestNetwork.provider("anvil_backup", anvil.url()))
                    .set("circuit-breaker.failure-threshold", "3")
                    .set("circuit-breaker.open-duration", "60s")
                    .register(registry);
        }
        registry.add(BY_PROPERTY + "sliding-window-type", () -> "COUNT_BASED");
        registry.add(BY_PROPERTY + "sliding-window-size", () -> "2");
        registry.add(BY_PROPERTY + "minimum-number-of-calls", () -> "2");
        registry.add(BY_PROPERTY + "failure-rate-threshold", () -> "100");
        registry.add(BY_PROPERTY + "wait-duration-in-open-state", () -> "30s");
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @Test
    void customizerBeanOpensTheNamedBreakerAfterTwoFailuresAndItsOpenDurationRunsOnTiergatesClock() {
        failWith503("customized");

        assertServedByBackup(call("customized"), 2);
        assertServedByBackup(call("customized"), 2);
        for (int i = 0; i < 5; i++) {
            assertServedByBackup(call("customized"), 1);
        }
        assertThat(wmCalls("customized")).as("skipped after two failures").isEqualTo(2);
        assertThat(breaker("customized").getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(21));
        assertServedByBackup(call("customized"), 2);
        assertThat(wmCalls("customized")).as("the customizer's 20 s open duration, on tiergate's clock").isEqualTo(3);
    }

    @Test
    void resilience4jInstancePropertiesOpenTheNamedBreakerAfterTwoFailures() {
        failWith503("byproperty");

        for (int i = 0; i < 6; i++) {
            assertServedByBackup(call("byproperty"), i < 2 ? 2 : 1);
        }
        assertThat(wmCalls("byproperty")).as("skipped after two failures").isEqualTo(2);
        CircuitBreakerConfig config = breaker("byproperty").getCircuitBreakerConfig();
        assertThat(config.getSlidingWindowSize()).isEqualTo(2);
        assertThat(config.getFailureRateThreshold()).isEqualTo(100f);
    }

    @Test
    void tiergatesFailureThresholdStillAppliesToBreakersNothingNames() {
        failWith503("plain");

        for (int i = 0; i < 7; i++) {
            assertServedByBackup(call("plain"), i < 3 ? 2 : 1);
        }
        assertThat(wmCalls("plain")).as("skipped after three failures").isEqualTo(3);
        assertThat(breaker("plain").getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(3);
        assertThat(breaker("plain").getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState())
                .isEqualTo(1);
    }

    private CircuitBreaker breaker(String network) {
        return breakers.find(network + ".wm_cloud").orElseThrow();
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
}
