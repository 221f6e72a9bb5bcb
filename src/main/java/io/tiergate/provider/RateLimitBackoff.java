package io.tiergate.provider;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Rest period of a rate-limited provider: Retry-After when the provider sent one, else
 * min(initial x 2^n, max) for the n-th limit in a row; a success resets n.
 */
public final class RateLimitBackoff {

    private final BackoffSettings settings;
    private final IntervalFunction interval;
    private final Clock clock;
    private final Consumer<Duration> onTrip;
    private final AtomicInteger strikes = new AtomicInteger();
    private volatile long untilMillis;
    private volatile long lastLimitedMillis;

    public RateLimitBackoff(BackoffSettings settings, Clock clock) {
        this(settings, clock, rest -> { });
    }

    /** {@code onTrip} hears every rest this replica decides (to tell the rest of the fleet); it must not block. */
    public RateLimitBackoff(BackoffSettings settings, Clock clock, Consumer<Duration> onTrip) {
        this.settings = settings;
        this.clock = clock;
        this.onTrip = onTrip;
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
        Duration rest = Duration.ofMillis(restMillis);
        onTrip.accept(rest);
        return rest;
    }

    /**
     * Another replica was rate limited by this provider: rest as long as it does, from now on this clock
     * (a duration, not an instant, so replicas' clocks need not agree). Not told back to the fleet.
     */
    public void restFor(Duration rest) {
        if (!settings.enabled() || rest.isNegative() || rest.isZero()) {
            return;
        }
        long now = clock.millis();
        lastLimitedMillis = now;
        untilMillis = Math.max(untilMillis, now + Math.min(rest.toMillis(), settings.max().toMillis()));
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

    /** How long the rest still lasts on this backoff's clock; zero when it is not resting. */
    public Duration remaining() {
        return Duration.ofMillis(Math.max(0, untilMillis - clock.millis()));
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
