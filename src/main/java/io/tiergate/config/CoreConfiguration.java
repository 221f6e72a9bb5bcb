package io.tiergate.config;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.Breakers;
import io.tiergate.provider.FleetLimits;
import io.tiergate.metrics.ProviderMetricsBinder;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.ProviderFactory;
import io.tiergate.selection.Selector;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/** The runtime model built from configuration: networks, tiers, providers and their selector. */
@Configuration(proxyBeanMethods = false)
public class CoreConfiguration {

    /** Every time-based behaviour reads this clock, so tests advance time instead of sleeping. */
    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Every provider's breaker, with its metrics ({@code resilience4j_circuitbreaker_state} and the rest) bound by
     * Resilience4j's own binder, which also follows breakers added and removed at runtime.
     */
    @Bean
    public CircuitBreakerRegistry circuitBreakerRegistry(MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    /** Resilience4j's own keys for a named breaker ({@code resilience4j.circuitbreaker.instances.<network>.<provider>}). */
    @Bean
    @ConfigurationProperties("resilience4j.circuitbreaker")
    public CommonCircuitBreakerConfigurationProperties circuitBreakerProperties() {
        return new CommonCircuitBreakerConfigurationProperties();
    }

    /** Spring Cloud CircuitBreaker's Resilience4j factory over the one registry, with the user's customizers applied. */
    @Bean
    public Breakers breakers(CircuitBreakerRegistry circuitBreakerRegistry, Clock clock,
            CommonCircuitBreakerConfigurationProperties circuitBreakerProperties,
            ObjectProvider<Customizer<Resilience4JCircuitBreakerFactory>> customizers) {
        return new Breakers(circuitBreakerRegistry, clock, circuitBreakerProperties,
                customizers.orderedStream().toList());
    }

    @Bean
    public ProviderFactory providerFactory(Clock clock, Breakers breakers, TiergateProperties properties,
            HealthProbeProperties health, FleetLimits limits) {
        return new ProviderFactory(clock, breakers, properties.maxResponseSize().toBytes(), health.enabled(), limits);
    }

    @Bean(destroyMethod = "close")
    public NetworkRegistry networkRegistry(TiergateProperties properties, ProviderFactory providerFactory,
            ConfigurableEnvironment environment) {
        return new NetworkRegistry(NetworkDefinitions.resolve(properties, key -> rawValue(environment, key)),
                properties.defaultNetwork(), providerFactory);
    }

    /** Provider, tier and network meters, following providers added and removed at run time. */
    @Bean
    public ProviderMetricsBinder providerMetrics(MeterRegistry meters, NetworkRegistry registry) {
        return ProviderMetricsBinder.bind(meters, registry);
    }

    /** A key's value as written in its property source, placeholders unresolved. */
    private static String rawValue(ConfigurableEnvironment environment, String key) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            Object value = source.getProperty(key);
            if (value != null) {
                return value.toString();
            }
        }
        return null;
    }

    @Bean
    public Selector selector(Clock clock) {
        return new Selector(clock);
    }
}
