package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tiergate.upstream.UpstreamClient;
import java.time.Clock;
import lombok.extern.slf4j.Slf4j;

/** Builds a live {@link Provider} from its definition: HTTP client, circuit breaker, backoff and quota. */
@Slf4j
public final class ProviderFactory {

    private final Clock clock;
    private final CircuitBreakerRegistry breakers;
    private final long maxResponseBytes;

    public ProviderFactory(Clock clock, CircuitBreakerRegistry breakers, long maxResponseBytes) {
        this.clock = clock;
        this.breakers = breakers;
        this.maxResponseBytes = maxResponseBytes;
    }

    public Provider create(NetworkDefinition network, ProviderDefinition definition) {
        CircuitBreaker breaker = breakers.circuitBreaker(breakerName(definition), breakerConfig(network));
        if (!network.circuitBreaker().enabled()) {
            breaker.transitionToDisabledState();
        }
        breaker.getEventPublisher().onStateTransition(event -> log.warn(
                "Provider {} ({} tier, network {}): circuit breaker {} -> {}", definition.name(), definition.tier(),
                definition.network(), event.getStateTransition().getFromState(),
                event.getStateTransition().getToState()));
        return new Provider(definition, new UpstreamClient(definition, maxResponseBytes, clock), breaker,
                new RateLimitBackoff(network.rateLimitBackoff(), clock), Quota.of(definition.quota(), clock), clock);
    }

    public void dispose(Provider provider) {
        provider.client().close();
        breakers.remove(breakerName(provider.definition()));
    }

    /** Breaker names are unique across networks: the same provider name may appear in two networks. */
    public static String breakerName(ProviderDefinition definition) {
        return definition.network() + "." + definition.name();
    }

    private CircuitBreakerConfig breakerConfig(NetworkDefinition network) {
        int threshold = network.circuitBreaker().failureThreshold();
        // A count window of `threshold` calls that must all fail: "opens after N failures in a row".
        return CircuitBreakerConfig.custom()
                .clock(clock)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(threshold)
                .minimumNumberOfCalls(threshold)
                .failureRateThreshold(100)
                .waitDurationInOpenState(network.circuitBreaker().openDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build();
    }
}
