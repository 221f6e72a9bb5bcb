package io.tiergate.routing;

import io.tiergate.metrics.UpstreamOutcome;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Provider;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * One call to one provider. Makes sure the provider's in-flight count and breaker permit are
 * settled exactly once, whether the call answers, fails or is cancelled.
 */
final class Attempt {

    private final Provider provider;
    private final boolean permitted;
    private final long startNanos;
    private boolean ended;
    private boolean resolved;

    /** The call is already counted in flight ({@link Provider#tryStartCall()}). */
    Attempt(Provider provider, boolean permitted) {
        this.provider = provider;
        this.permitted = permitted;
        this.startNanos = System.nanoTime();
    }

    /**
     * Takes what one call to {@code provider} needs: a breaker permit (unless it is a last resort), a place in
     * flight (refused while drained) and {@code calls} quota tokens. Null, with {@code skipped} told why, when
     * one of them is refused; nothing is held then.
     */
    static Attempt tryStart(Provider provider, boolean lastResort, int calls,
            BiConsumer<Provider, Availability> skipped) {
        boolean permitted = !lastResort;
        if (permitted && !provider.tryAcquirePermission()) {
            skipped.accept(provider, Availability.CIRCUIT_OPEN);
            return null;
        }
        if (!provider.tryStartCall()) {
            if (permitted) {
                provider.releasePermission();
            }
            skipped.accept(provider, Availability.DRAINED);
            return null;
        }
        if (!provider.quota().tryConsume(calls)) {
            provider.callEnded();
            if (permitted) {
                provider.releasePermission();
            }
            skipped.accept(provider, Availability.QUOTA_EXHAUSTED);
            return null;
        }
        return new Attempt(provider, permitted);
    }

    Provider provider() {
        return provider;
    }

    /** Nanoseconds since the call started. */
    long elapsedNanos() {
        return elapsed();
    }

    synchronized void end() {
        if (!ended) {
            ended = true;
            provider.callEnded();
        }
    }

    /** {@code outcome}: SUCCESS, or ERROR when the provider's answer was a JSON-RPC error passed on as is. */
    synchronized void succeeded(UpstreamOutcome outcome) {
        if (resolve()) {
            provider.onSuccess(elapsed(), permitted);
            provider.recordCall(outcome, elapsed());
        }
    }

    synchronized void failed(String reason, UpstreamOutcome outcome) {
        if (resolve()) {
            provider.onFailure(elapsed(), reason, permitted);
            provider.recordCall(outcome, elapsed());
        }
    }

    synchronized Duration rateLimited(Duration retryAfter) {
        if (!resolve()) {
            return Duration.ZERO;
        }
        provider.recordCall(UpstreamOutcome.RATE_LIMITED, elapsed());
        return provider.onRateLimited(retryAfter, permitted);
    }

    /** Hands back an unused permit (cancelled, or cut short by the request's own deadline). */
    synchronized void abandon() {
        abandon(null);
    }

    /** As {@link #abandon()}, counting the call under {@code outcome} when it got that far. */
    synchronized void abandon(UpstreamOutcome outcome) {
        end();
        if (resolve()) {
            if (permitted) {
                provider.releasePermission();
            }
            if (outcome != null) {
                provider.recordCall(outcome, elapsed());
            }
        }
    }

    private boolean resolve() {
        end();
        if (resolved) {
            return false;
        }
        resolved = true;
        return true;
    }

    private long elapsed() {
        return System.nanoTime() - startNanos;
    }
}
