package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tiergate.health.HealthState;
import io.tiergate.health.ProviderHealth;
import io.tiergate.health.RecentCalls;
import io.tiergate.metrics.ProviderMetrics;
import io.tiergate.metrics.UpstreamOutcome;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.upstream.UpstreamClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider at run time: its immutable definition plus the live state that request outcomes
 * write and the selector reads (circuit breaker, rate-limit backoff, quota, in-flight, failures).
 */
public final class Provider {

    private final ProviderDefinition definition;
    private final ProviderSecrets secrets;
    private final UpstreamClient client;
    private final CircuitBreaker breaker;
    private final RateLimitBackoff backoff;
    private final Quota quota;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastFailureMillis;
    private volatile long lastSuccessMillis;

    private final ProviderHealth health;
    private final boolean passiveDown;
    private final RecentCalls recent;
    private final ProviderMethods methods;
    private volatile ProviderMetrics metrics;
    private volatile AdminState adminState = AdminState.ACTIVE;
    private volatile Integer weightOverride;

    Provider(ProviderDefinition definition, UpstreamClient client, CircuitBreaker breaker,
            RateLimitBackoff backoff, Quota quota, ProviderHealth health, boolean passiveDown, ProviderMethods methods,
            Clock clock) {
        this.definition = definition;
        this.secrets = ProviderSecrets.of(definition);
        this.methods = methods;
        this.health = health;
        this.passiveDown = passiveDown;
        this.recent = new RecentCalls(clock);
        this.client = client;
        this.breaker = breaker;
        this.backoff = backoff;
        this.quota = quota;
        this.clock = clock;
    }

    public String name() {
        return definition.name();
    }

    public String tier() {
        return definition.tier();
    }

    public ProviderDefinition definition() {
        return definition;
    }

    /** The credentials in the provider's URL and headers, to scrub from anything it sends back. */
    public ProviderSecrets secrets() {
        return secrets;
    }

    public UpstreamClient client() {
        return client;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public RateLimitBackoff backoff() {
        return backoff;
    }

    public Quota quota() {
        return quota;
    }

    /** The weight selection uses now: an operator's override, else the configured weight. */
    public int weight() {
        Integer override = weightOverride;
        return override != null ? override : definition.weight();
    }

    /** The operator's weight, or null when the configured one applies. */
    public Integer weightOverride() {
        return weightOverride;
    }

    public void overrideWeight(Integer weight) {
        this.weightOverride = weight;
    }

    public AdminState adminState() {
        return adminState;
    }

    public void adminState(AdminState state) {
        this.adminState = state;
    }

    /**
     * Counts a call in flight unless the provider is drained. The count goes up before the drain flag is
     * read, and a drain sets the flag before it reads the count: so no call starts after a drain returned
     * without being in the count it reported.
     */
    public boolean tryStartCall() {
        inFlight.incrementAndGet();
        if (adminState == AdminState.DRAINED) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** An operator's reinstate: drain lifted, breaker closed, rest and failure counts cleared. */
    public void reinstate() {
        adminState = AdminState.ACTIVE;
        backoff.clear();
        health.reset();
        if (breaker.getState() != CircuitBreaker.State.DISABLED) {
            breaker.transitionToClosedState();
        }
    }

    /** Attached once the provider's network exists (meters are labelled with it); null before. */
    public void attachMetrics(ProviderMetrics metrics) {
        this.metrics = metrics;
    }

    public ProviderMetrics metrics() {
        return metrics;
    }

    public void recordCall(UpstreamOutcome outcome, long nanos) {
        ProviderMetrics m = metrics;
        if (m != null) {
            m.call(outcome, nanos);
        }
    }

    public void recordSkip(Availability reason) {
        ProviderMetrics m = metrics;
        if (m != null) {
            m.skipped(reason);
        }
    }

    public RecentCalls recent() {
        return recent;
    }

    /** The methods this provider serves: configured allow/deny, minus recent "method not found" answers. */
    public ProviderMethods methods() {
        return methods;
    }

    public ProviderHealth health() {
        return health;
    }

    public Availability availability() {
        if (adminState == AdminState.DRAINED) {
            return Availability.DRAINED;
        }
        HealthState state = health.state();
        if (state == HealthState.MISCONFIGURED) {
            return Availability.MISCONFIGURED;
        }
        if (!breakerPermits()) {
            return Availability.CIRCUIT_OPEN;
        }
        // A half-open breaker wants its trial call even while health still says DOWN.
        if (state == HealthState.DOWN && breaker.getState() != CircuitBreaker.State.HALF_OPEN) {
            return Availability.DOWN;
        }
        if (backoff.isActive()) {
            return Availability.RATE_LIMITED;
        }
        if (quota.isExhausted()) {
            return Availability.QUOTA_EXHAUSTED;
        }
        if (state == HealthState.LAGGING) {
            return Availability.LAGGING;
        }
        if (state == HealthState.SYNCING) {
            return Availability.SYNCING;
        }
        return Availability.USABLE;
    }

    /** Takes a breaker permit for one call; every taken permit ends in a success, failure or release. */
    public boolean tryAcquirePermission() {
        return breaker.tryAcquirePermission();
    }

    public void releasePermission() {
        breaker.releasePermission();
    }

    /** {@code permitted}: the call held a breaker permit (a last-resort call does not). */
    public void onSuccess(long elapsedNanos, boolean permitted) {
        if (permitted) {
            breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
        }
        backoff.reset();
        lastSuccessMillis = clock.millis();
        health.observeLatency(elapsedNanos);
        health.requestSucceeded();
        recent.record(false, elapsedNanos);
    }

    public void onFailure(long elapsedNanos, String reason, boolean permitted) {
        if (permitted) {
            breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, new UpstreamFault(reason));
        }
        lastFailureMillis = clock.millis();
        health.observeLatency(elapsedNanos);
        recent.record(true, elapsedNanos);
        // Without probes nothing would bring a DOWN provider back, so requests alone never mark it DOWN.
        health.failed(reason, passiveDown);
    }

    /** A rate limit is the provider protecting itself, not a fault: it rests instead of tripping the breaker. */
    public Duration onRateLimited(Duration retryAfter, boolean permitted) {
        if (permitted) {
            breaker.releasePermission();
        }
        lastFailureMillis = clock.millis();
        return backoff.trip(retryAfter);
    }

    public int inFlight() {
        return inFlight.get();
    }

    public void callEnded() {
        inFlight.decrementAndGet();
    }

    /** Failures in a row (requests and probes), as health counts them for max-failures: one counter, one truth. */
    public int consecutiveFailures() {
        return health.failures();
    }

    public long lastFailureMillis() {
        return lastFailureMillis;
    }

    public long lastSuccessMillis() {
        return lastSuccessMillis;
    }

    /**
     * True when a call may go through. An OPEN breaker whose open-duration has passed moves to
     * HALF_OPEN only when asked for a permit, so ask, and hand the permit straight back.
     */
    private boolean breakerPermits() {
        switch (breaker.getState()) {
            case OPEN -> {
                if (breaker.tryAcquirePermission()) {
                    breaker.releasePermission();
                    return true;
                }
                return false;
            }
            case FORCED_OPEN -> {
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return definition.toString();
    }
}
