package io.tiergate.provider;

import io.github.resilience4j.core.IntervalFunction;
import io.tiergate.config.NetworkProperties.RateLimitBackoffProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rest period of a rate-limited provider: Retry-After when the provider sent one, else
 * min(initial x 2^n, max) for the n-th limit in a row; a success resets n.
 */
public final class RateLimitBackoff {

    private final RateLimitBackoffProperties settings;
    private final IntervalFunction interval;
    private final Clock clock;
    private final AtomicInteger strikes = new AtomicInteger();
    private volatile long untilMillis;
    private volatile long lastLimitedMillis;

    public RateLimitBackoff(RateLimitBackoffProperties settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.interval = IntervalFunction.ofExponentialBackoff(settings.initial(), 2.0, settings.max());
    }

    /** Records a rate limit and returns how long the provider now rests (zero when backoff is off). */
    public Duration trip(Duration retryAfter) {
        long now = clock.millis();
        lastLimitedMillis = now;
        if (!settings.enabled()) {
            return Duration.ZERO;
        }
        int n = strikes.incrementAndGet();
        long restMillis = retryAfter != null
                ? Math.min(retryAfter.toMillis(), settings.max().toMillis())
                : interval.apply(n);
        untilMillis = Math.max(untilMillis, now + restMillis);
        return Duration.ofMillis(restMillis);
    }

    public void reset() {
        if (strikes.get() != 0) {
            strikes.set(0);
        }
    }

    /** Forget every rate limit seen: an operator's reinstate. */
    public void clear() {
        strikes.set(0);
        untilMillis = 0;
        lastLimitedMillis = 0;
    }

    public boolean isActive() {
        return clock.millis() < untilMillis;
    }

    /** Epoch millis until which the provider rests; 0 if it never did. */
    public long untilMillis() {
        return untilMillis;
    }

    /** Epoch millis of the last rate limit seen; 0 if none. */
    public long lastLimitedMillis() {
        return lastLimitedMillis;
    }

    public int strikes() {
        return strikes.get();
    }
}
