package io.tiergate.config;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.ProviderFactory;
import io.tiergate.selection.Selector;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The runtime model built from configuration: networks, tiers, providers and their selector. */
@Configuration(proxyBeanMethods = false)
public class CoreConfiguration {

    /** Every time-based behaviour reads this clock, so tests advance time instead of sleeping. */
    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    public CircuitBreakerRegistry circuitBreakerRegistry() {
        return CircuitBreakerRegistry.ofDefaults();
    }

    @Bean
    public ProviderFactory providerFactory(Clock clock, CircuitBreakerRegistry circuitBreakerRegistry,
            TiergateProperties properties) {
        return new ProviderFactory(clock, circuitBreakerRegistry, properties.maxResponseSize().toBytes());
    }

    @Bean(destroyMethod = "close")
    public NetworkRegistry networkRegistry(TiergateProperties properties, ProviderFactory providerFactory) {
        return new NetworkRegistry(NetworkDefinitions.resolve(properties), properties.defaultNetwork(),
                providerFactory);
    }

    @Bean
    public Selector selector(Clock clock) {
        return new Selector(clock);
    }
}
