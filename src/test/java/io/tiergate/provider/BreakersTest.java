package io.tiergate.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties.InstanceProperties;
import io.tiergate.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;

class BreakersTest {

    private final MutableClock clock = new MutableClock();
    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
    private final CommonCircuitBreakerConfigurationProperties properties = new CommonCircuitBreakerConfigurationProperties();

    private static CircuitBreakerConfig opensAfter(int failures) {
        return CircuitBreakerConfig.custom()
                .slidingWindowSize(failures)
                .minimumNumberOfCalls(failures)
                .failureRateThreshold(100)
                .build();
    }

    private Breakers breakers(List<Customizer<Resilience4JCircuitBreakerFactory>> customizers) {
        return new Breakers(registry, clock, properties, customizers);
    }

    private static int threshold(CircuitBreaker breaker) {
        return breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls();
    }

    @Test
    void tiergatesConfigurationWhenNothingNamesTheBreaker() {
        CircuitBreaker breaker = Breakers.of(registry, clock).circuitBreaker("ethereum.erigon", opensAfter(3));

        assertThat(threshold(breaker)).isEqualTo(3);
        assertThat(registry.find("ethereum.erigon")).containsSame(breaker);
    }

    @Test
    void firstOfPropertiesRegistryConfigurationConfigureAndDefaultWins() {
        properties.getInstances().put("a.byProperty", new InstanceProperties().setMinimumNumberOfCalls(7));
        registry.addConfiguration("a.byRegistry", opensAfter(6));
        Breakers breakers = breakers(List.of(
                factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
                        .circuitBreakerConfig(opensAfter(4)).build()),
                factory -> factory.configure(b -> b.circuitBreakerConfig(opensAfter(5)),
                        "a.byProperty", "a.byRegistry", "a.byConfigure")));

        assertThat(threshold(breakers.circuitBreaker("a.byProperty", opensAfter(3)))).isEqualTo(7);
        assertThat(threshold(breakers.circuitBreaker("a.byRegistry", opensAfter(3)))).isEqualTo(6);
        assertThat(threshold(breakers.circuitBreaker("a.byConfigure", opensAfter(3)))).isEqualTo(5);
        assertThat(threshold(breakers.circuitBreaker("a.other", opensAfter(3)))).as("user's default").isEqualTo(4);
    }

    @Test
    void instancePropertiesStartFromResilience4jsDefaultsOrTheirBaseConfig() {
        properties.getConfigs().put("strict", new InstanceProperties().setFailureRateThreshold(100f));
        properties.getInstances().put("a.plain", new InstanceProperties().setMinimumNumberOfCalls(2));
        properties.getInstances().put("a.based", new InstanceProperties().setMinimumNumberOfCalls(2)
                .setBaseConfig("strict"));
        Breakers breakers = breakers(List.of());

        assertThat(breakers.circuitBreaker("a.plain", opensAfter(3)).getCircuitBreakerConfig().getFailureRateThreshold())
                .isEqualTo(50f);
        assertThat(breakers.circuitBreaker("a.based", opensAfter(3)).getCircuitBreakerConfig().getFailureRateThreshold())
                .isEqualTo(100f);
    }

    @Test
    void everyBreakerRunsOnTiergatesClock() {
        Breakers breakers = breakers(List.of(factory -> factory.configure(b -> b.circuitBreakerConfig(
                CircuitBreakerConfig.from(opensAfter(1)).waitDurationInOpenState(Duration.ofSeconds(10)).build()),
                "a.custom")));
        CircuitBreaker breaker = breakers.circuitBreaker("a.custom", opensAfter(3));

        breaker.onError(0, java.util.concurrent.TimeUnit.NANOSECONDS, new RuntimeException("down"));
        assertThat(breaker.tryAcquirePermission()).isFalse();
        clock.advance(Duration.ofSeconds(11));
        assertThat(breaker.tryAcquirePermission()).as("half-open after 10 s of tiergate's clock").isTrue();
    }

    @Test
    void breakerCustomizersSeeTheBreakerTheyName() {
        List<String> seen = new ArrayList<>();
        Breakers breakers = breakers(List.of(factory -> factory.addCircuitBreakerCustomizer(
                breaker -> seen.add(breaker.getName()), "a.watched")));

        breakers.circuitBreaker("a.watched", opensAfter(3));
        breakers.circuitBreaker("a.other", opensAfter(3));

        assertThat(seen).containsExactly("a.watched");
    }

    @Test
    void removedBreakerIsGoneFromTheRegistry() {
        Breakers breakers = Breakers.of(registry, clock);
        breakers.circuitBreaker("a.gone", opensAfter(3));

        breakers.remove("a.gone");

        assertThat(registry.find("a.gone")).isEmpty();
    }

    @Test
    void anotherRegistryIsRefused() {
        assertThatThrownBy(() -> breakers(List.of(
                factory -> factory.configureCircuitBreakerRegistry(CircuitBreakerRegistry.ofDefaults()))))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
