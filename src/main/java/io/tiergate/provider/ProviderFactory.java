package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.upstream.Endpoint;
import io.tiergate.upstream.UpstreamClient;
import java.time.Clock;
import java.util.function.Consumer;

/** Builds a live {@link Provider} from its definition: HTTP client, circuit breaker, backoff and quota. */
public final class ProviderFactory {

    private final Clock clock;
    private final Breakers breakers;
    private final long maxResponseBytes;
    private final boolean probing;
    private final FleetLimits limits;

    /**
     * {@code probing}: active health probes run, so failed requests may mark a provider DOWN. {@code limits}: where
     * quotas and rate-limit rests are kept (this replica, or the fleet).
     */
    public ProviderFactory(Clock clock, Breakers breakers, long maxResponseBytes, boolean probing,
            FleetLimits limits) {
        this.clock = clock;
        this.limits = limits;
        this.breakers = breakers;
        this.maxResponseBytes = maxResponseBytes;
        this.probing = probing;
    }

    /** {@code onChange}: hears every change of the provider's state (the registry publishes it). */
    public Provider create(NetworkDefinition network, ProviderDefinition definition,
            Consumer<ProviderStateChange> onChange) {
        CircuitBreaker breaker = breakers.circuitBreaker(breakerName(definition), breakerConfig(network));
        if (!network.circuitBreaker().enabled()) {
            breaker.transitionToDisabledState();
        }
        return new Provider(definition, new UpstreamClient(endpoint(definition), maxResponseBytes, clock), breaker,
                new RateLimitBackoff(network.rateLimitBackoff(), clock, rest -> limits.rested(definition, rest)),
                limits.quota(definition), new ProviderHealth(definition.maxFailures(), clock), probing,
                new ProviderMethods(definition.methods(), network.paths().methodNotFoundTtl(), clock), clock, onChange);
    }

    public void dispose(Provider provider) {
        provider.client().close();
        breakers.remove(breakerName(provider.definition()));
    }

    /** Breaker names are unique across networks: the same provider name may appear in two networks. */
    public static String breakerName(ProviderDefinition definition) {
        return definition.network() + "." + definition.name();
    }

    /** What the HTTP client needs of the definition; its pools are named {@code <network>-<provider>}. */
    private static Endpoint endpoint(ProviderDefinition definition) {
        return new Endpoint(definition.network() + "-" + definition.name(), definition.url(), definition.headers(),
                definition.timeout());
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
