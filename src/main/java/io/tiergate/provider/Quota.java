package io.tiergate.provider;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;

/**
 * A provider's request budget ({@code rate-limit: {requests, period}}): once spent, the provider is
 * skipped until the period rolls over. Bucket4j keeps the count; the clock is injected.
 */
public final class Quota {

    /** The configured budget; {@code null} on a provider means unlimited. */
    public record Spec(long requests, Duration period) {
    }

    private static final Quota UNLIMITED = new Quota(null, null);

    private final Spec spec;
    private final Bucket bucket;

    private Quota(Spec spec, Bucket bucket) {
        this.spec = spec;
        this.bucket = bucket;
    }

    public static Quota of(Spec spec, Clock clock) {
        if (spec == null) {
            return UNLIMITED;
        }
        Bucket bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(spec.requests()).refillIntervally(spec.requests(), spec.period()))
                .withCustomTimePrecision(new ClockTimeMeter(clock))
                .build();
        return new Quota(spec, bucket);
    }

    public boolean isLimited() {
        return bucket != null;
    }

    /** Takes {@code calls} from the budget, or nothing if fewer are left. */
    public boolean tryConsume(int calls) {
        return bucket == null || bucket.tryConsume(calls);
    }

    public boolean isExhausted() {
        return bucket != null && bucket.getAvailableTokens() <= 0;
    }

    /** Calls left in the current period; -1 when unlimited. */
    public long remaining() {
        return bucket == null ? -1 : bucket.getAvailableTokens();
    }

    public Spec spec() {
        return spec;
    }

    private record ClockTimeMeter(Clock clock) implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            return clock.millis() * 1_000_000L;
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
