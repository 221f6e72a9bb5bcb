package io.tiergate.routing;

import io.tiergate.provider.Provider;
import java.time.Duration;

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

    Provider provider() {
        return provider;
    }

    synchronized void end() {
        if (!ended) {
            ended = true;
            provider.callEnded();
        }
    }

    synchronized void succeeded() {
        if (resolve()) {
            provider.onSuccess(elapsed(), permitted);
        }
    }

    synchronized void failed(String reason) {
        if (resolve()) {
            provider.onFailure(elapsed(), reason, permitted);
        }
    }

    synchronized Duration rateLimited(Duration retryAfter) {
        return resolve() ? provider.onRateLimited(retryAfter, permitted) : Duration.ZERO;
    }

    /** Hands back an unused permit (cancelled, or cut short by the request's own deadline). */
    synchronized void abandon() {
        end();
        if (resolve() && permitted) {
            provider.releasePermission();
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
