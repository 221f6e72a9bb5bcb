package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.CompositeCustomizer;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder.Resilience4JCircuitBreakerConfiguration;
import org.springframework.cloud.client.circuitbreaker.Customizer;

/**
 * Providers' circuit breakers: created in and removed from the one registry whose metrics binder follows it, and
 * configured the way Spring Cloud CircuitBreaker's Resilience4j factory configures a breaker, so users tune them with
 * {@code Customizer<Resilience4JCircuitBreakerFactory>} beans and {@code resilience4j.circuitbreaker.instances.*}.
 *
 * <p>The first of these that names a breaker gives its whole configuration: Resilience4j's instance properties,
 * a configuration of that name in the registry, {@link #configure} for that name, {@link #configureDefault}, and
 * last the network's own {@code circuit-breaker} keys. Whichever it is, the breaker runs on tiergate's clock.
 */
public final class Breakers extends Resilience4JCircuitBreakerFactory {

    private final CircuitBreakerRegistry registry;
    private final Clock clock;
    private final Map<String, CircuitBreakerConfig> fromProperties;
    private final Map<String, Customizer<CircuitBreaker>> breakerCustomizers = new ConcurrentHashMap<>();
    private volatile Function<String, Resilience4JCircuitBreakerConfiguration> userDefault;

    public Breakers(CircuitBreakerRegistry registry, Clock clock, CommonCircuitBreakerConfigurationProperties properties,
            List<Customizer<Resilience4JCircuitBreakerFactory>> customizers) {
        // Spring Cloud's time limiter and bulkhead wrap calls made through create(id).run(...), which tiergate
        // does not make: its providers hold the Resilience4j breaker itself.
        super(registry, TimeLimiterRegistry.ofDefaults(), null);
        this.registry = registry;
        this.clock = clock;
        CompositeCustomizer<CircuitBreakerConfigCustomizer> none = new CompositeCustomizer<>(List.of());
        this.fromProperties = properties.getInstances().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey,
                e -> properties.createCircuitBreakerConfig(e.getKey(), e.getValue(), none)));
        customizers.forEach(customizer -> customizer.customize(this));
    }

    /** Breakers configured by tiergate's keys alone: no properties, no customizers. */
    public static Breakers of(CircuitBreakerRegistry registry, Clock clock) {
        return new Breakers(registry, clock, new CommonCircuitBreakerConfigurationProperties(), List.of());
    }

    /** The breaker {@code name} in the registry; if new, created with the first configuration that names it. */
    public CircuitBreaker circuitBreaker(String name, CircuitBreakerConfig tiergateDefaults) {
        CircuitBreaker breaker = registry.circuitBreaker(name,
                () -> CircuitBreakerConfig.from(configuration(name, tiergateDefaults)).clock(clock).build());
        Optional.ofNullable(breakerCustomizers.get(name)).ifPresent(customizer -> customizer.customize(breaker));
        return breaker;
    }

    public void remove(String name) {
        registry.remove(name);
    }

    private CircuitBreakerConfig configuration(String name, CircuitBreakerConfig tiergateDefaults) {
        Function<String, Resilience4JCircuitBreakerConfiguration> byDefault = userDefault;
        return Optional.ofNullable(fromProperties.get(name))
                .or(() -> registry.getConfiguration(name))
                .or(() -> Optional.ofNullable(getConfigurations().get(name))
                        .map(Resilience4JCircuitBreakerConfiguration::getCircuitBreakerConfig))
                .or(() -> Optional.ofNullable(byDefault).map(d -> d.apply(name).getCircuitBreakerConfig()))
                .orElse(tiergateDefaults);
    }

    @Override
    public void configureDefault(Function<String, Resilience4JCircuitBreakerConfiguration> defaultConfiguration) {
        super.configureDefault(defaultConfiguration);
        this.userDefault = defaultConfiguration;
    }

    @Override
    public void addCircuitBreakerCustomizer(Customizer<CircuitBreaker> customizer, String... ids) {
        super.addCircuitBreakerCustomizer(customizer, ids);
        for (String id : ids) {
            breakerCustomizers.put(id, customizer);
        }
    }

    /** Metrics, health and the admin API read the one registry: a breaker elsewhere would be seen by none of them. */
    @Override
    public void configureCircuitBreakerRegistry(CircuitBreakerRegistry registry) {
        throw new UnsupportedOperationException("tiergate's circuit breakers live in its own registry; "
                + "configure them with configure(...) or configureDefault(...) instead");
    }
}
