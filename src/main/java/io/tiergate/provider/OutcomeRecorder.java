package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tiergate.upstream.Outcome;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * What one outcome does to a provider's live state, in one place: the breaker (success, error, or the permit
 * handed back), the rate-limit rest, recent calls and latency, the last error and failures in a row. A rate
 * limit is the provider protecting itself: it rests it and shows in the error rate, but never counts toward
 * DOWN. Too large an answer is the request's size: it blames no one.
 */
final class OutcomeRecorder {

    private final CircuitBreaker breaker;
    private final RateLimitBackoff backoff;
    private final ProviderHealth health;
    private final RecentCalls recent;
    /** Active probes run: something will bring a provider back, so max-failures may take it out. */
    private final boolean probing;
    private final Clock clock;
    private volatile long lastFailureMillis;
    private volatile long lastSuccessMillis;

    OutcomeRecorder(CircuitBreaker breaker, RateLimitBackoff backoff, ProviderHealth health, RecentCalls recent,
            boolean probing, Clock clock) {
        this.breaker = breaker;
        this.backoff = backoff;
        this.health = health;
        this.recent = recent;
        this.probing = probing;
        this.clock = clock;
    }

    long lastFailureMillis() {
        return lastFailureMillis;
    }

    long lastSuccessMillis() {
        return lastSuccessMillis;
    }

    /** {@code probe}: a health probe, which moves latency but is no client's call in the recent counts. */
    void apply(Outcome outcome, long nanos, boolean permitted, boolean probe) {
        long now = clock.millis();
        if (probe) {
            recent.latency(nanos);
        }
        if (outcome.served()) {
            if (permitted) {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            } else if (ProviderStatus.down(breaker.getState())) {
                // A probe or a last-resort call got an answer: the evidence a trial call would have given.
                breaker.transitionToClosedState();
            }
            backoff.reset();
            lastSuccessMillis = now;
            health.served();
            countCall(false, nanos, probe);
        } else if (outcome instanceof Outcome.RateLimited limited) {
            release(permitted);
            lastFailureMillis = now;
            backoff.trip(limited.retryAfter());
            health.limited(limited.describe());
            countCall(true, nanos, probe);
        } else if (outcome instanceof Outcome.TooLarge) {
            release(permitted);
        } else {
            if (permitted) {
                breaker.onError(nanos, TimeUnit.NANOSECONDS, new UpstreamFault(outcome.reason()));
            }
            lastFailureMillis = now;
            countCall(true, nanos, probe);
            // Without probes nothing would bring a DOWN provider back, so requests alone never mark it DOWN.
            if (health.failed(outcome.reason()) && (probe || probing)) {
                takeOut(health.maxFailures() + " failures in a row, last: " + outcome.reason());
            }
        }
    }

    private void release(boolean permitted) {
        if (permitted) {
            breaker.releasePermission();
        }
    }

    private void countCall(boolean failed, long nanos, boolean probe) {
        if (!probe) {
            recent.record(failed, nanos);
        }
    }

    /** max-failures in a row: the breaker opens (the one truth for DOWN), or health says DOWN where there is none. */
    private void takeOut(String why) {
        switch (breaker.getState()) {
            case DISABLED, METRICS_ONLY -> health.markDown(why);
            case OPEN, FORCED_OPEN -> {
            }
            default -> breaker.transitionToOpenState();
        }
    }
}
