package io.tiergate.routing;

import io.tiergate.provider.Availability;
import io.tiergate.provider.Provider;
import io.tiergate.upstream.Outcome;
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

    /** The call's outcome, told to the provider once however the call ends. */
    synchronized void record(Outcome outcome) {
        if (resolve()) {
            provider.record(outcome, elapsed(), permitted);
        }
    }

    /** Hands back an unused permit (cancelled, or cut short by the request's own deadline). */
    synchronized void abandon() {
        abandon(null);
    }

    /** As {@link #abandon()}, counting the call under {@code label} when it got that far. */
    synchronized void abandon(Outcome.Label label) {
        end();
        if (resolve()) {
            provider.abandoned(permitted, label, elapsed());
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
