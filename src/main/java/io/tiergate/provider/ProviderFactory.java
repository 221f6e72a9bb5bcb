package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.tiergate.health.HealthState;
import io.tiergate.health.ProviderHealth;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.upstream.UpstreamClient;
import java.time.Clock;
import lombok.extern.slf4j.Slf4j;

/** Builds a live {@link Provider} from its definition: HTTP client, circuit breaker, backoff and quota. */
@Slf4j
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

    public Provider create(NetworkDefinition network, ProviderDefinition definition) {
        CircuitBreaker breaker = breakers.circuitBreaker(breakerName(definition), breakerConfig(network));
        boolean breakerEnabled = network.circuitBreaker().enabled();
        if (!breakerEnabled) {
            breaker.transitionToDisabledState();
        }
        ProviderHealth health = new ProviderHealth(definition.maxFailures(), clock);
        // Breaker and health state never disagree: each follows the other's transitions.
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            log.warn("Provider {} ({} tier, network {}): circuit breaker {} -> {}", definition.name(), definition.tier(),
                    definition.network(), event.getStateTransition().getFromState(), to);
            if (to == CircuitBreaker.State.OPEN) {
                health.breakerOpened("circuit breaker opened");
            } else if (to == CircuitBreaker.State.CLOSED) {
                health.breakerClosed();
            }
        });
        health.onTransition(t -> {
            logTransition(definition, t);
            if (!breakerEnabled) {
                return;
            }
            CircuitBreaker.State state = breaker.getState();
            if (t.to() == HealthState.DOWN && state != CircuitBreaker.State.OPEN) {
                breaker.transitionToOpenState();
            } else if ((t.to() == HealthState.UP || t.to() == HealthState.UNKNOWN)
                    && (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.HALF_OPEN)) {
                breaker.transitionToClosedState();
            }
        });
        return new Provider(definition, new UpstreamClient(definition, maxResponseBytes, clock), breaker,
                new RateLimitBackoff(network.rateLimitBackoff(), clock, rest -> limits.rested(definition, rest)),
                limits.quota(definition), health,
                probing, new ProviderMethods(definition.methods(), network.paths().methodNotFoundTtl(), clock), clock);
    }

    private static void logTransition(ProviderDefinition d, ProviderHealth.Transition t) {
        String line = "Provider {} ({} tier, network {}): {} -> {} ({})";
        switch (t.to()) {
            case MISCONFIGURED -> log.error(line, d.name(), d.tier(), d.network(), t.from(), t.to(), t.reason());
            case DOWN, LAGGING, SYNCING -> log.warn(line, d.name(), d.tier(), d.network(), t.from(), t.to(), t.reason());
            default -> log.info(line, d.name(), d.tier(), d.network(), t.from(), t.to(), t.reason());
        }
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
