package io.tiergate.provider;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;

/**
 * A provider's request budget ({@code rate-limit: {requests, period}}): once spent, the provider is
 * skipped until the period rolls over. The tokens are counted by a {@link Ledger}: a Bucket4j bucket on
 * this replica, or a share of a bucket the whole fleet spends together (see {@link FleetLimits}).
 */
public final class Quota {

    /** The configured budget; {@code null} on a provider means unlimited. */
    public record Spec(long requests, Duration period) {
    }

    /** Where a budget's tokens are counted. Called on the request path: must never wait on I/O. */
    public interface Ledger {

        /** Takes {@code calls} tokens, or nothing if fewer are at hand. */
        boolean tryConsume(int calls);

        /** Tokens at hand now; 0 when spent. */
        long available();

        /** What is left of the whole budget, for views and metrics (a fleet's budget is more than what is at hand). */
        default long left() {
            return available();
        }
    }

    private static final Quota UNLIMITED = new Quota(null, null);

    private final Spec spec;
    private final Ledger ledger;

    private Quota(Spec spec, Ledger ledger) {
        this.spec = spec;
        this.ledger = ledger;
    }

    /** A budget this replica spends alone. */
    public static Quota of(Spec spec, Clock clock) {
        if (spec == null) {
            return UNLIMITED;
        }
        Bucket bucket = bucket(spec.requests(), spec.period(), clock);
        return new Quota(spec, new Ledger() {
            @Override
            public boolean tryConsume(int calls) {
                return bucket.tryConsume(calls);
            }

            @Override
            public long available() {
                return bucket.getAvailableTokens();
            }
        });
    }

    /** A budget counted elsewhere (a fleet's shared bucket). */
    public static Quota counted(Spec spec, Ledger ledger) {
        return spec == null ? UNLIMITED : new Quota(spec, ledger);
    }

    /** {@code requests} tokens, all back at once every {@code period} of the injected clock. */
    public static Bucket bucket(long requests, Duration period, Clock clock) {
        return Bucket.builder().addLimit(limit(requests, period)).withCustomTimePrecision(timeMeter(clock)).build();
    }

    /**
     * What a budget means, wherever its bucket lives (here, or the fleet's in Redis): {@code requests} tokens, all
     * back at once every {@code period}. Bucket4j checks it: one it cannot represent fails at start-up.
     */
    public static Bandwidth limit(long requests, Duration period) {
        return Bandwidth.builder().capacity(requests).refillIntervally(requests, period).build();
    }

    /** Bucket4j's view of the injected clock, so tests move budgets' periods with the gateway's clock. */
    public static TimeMeter timeMeter(Clock clock) {
        return new ClockTimeMeter(clock);
    }

    public boolean isLimited() {
        return ledger != null;
    }

    /** Takes {@code calls} from the budget, or nothing if fewer are left. */
    public boolean tryConsume(int calls) {
        return ledger == null || ledger.tryConsume(calls);
    }

    public boolean isExhausted() {
        return ledger != null && ledger.available() <= 0;
    }

    /** Calls left in the budget (the fleet's, when shared); -1 when unlimited. */
    public long remaining() {
        return ledger == null ? -1 : ledger.left();
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
