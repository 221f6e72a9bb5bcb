package io.tiergate.health;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Calls and failures of one provider over the last minute, in one-second slots: the "requests per
 * minute" and "error rate" operators read in the admin API. Slots are reused as the clock moves on.
 */
public final class RecentCalls {

    private static final int SLOTS = 60;

    private final Clock clock;
    private final AtomicLongArray second = new AtomicLongArray(SLOTS);
    private final AtomicLongArray calls = new AtomicLongArray(SLOTS);
    private final AtomicLongArray failures = new AtomicLongArray(SLOTS);

    public RecentCalls(Clock clock) {
        this.clock = clock;
    }

    public void record(boolean failed) {
        long now = clock.millis() / 1000;
        int slot = (int) (now % SLOTS);
        long owner = second.get(slot);
        if (owner != now && second.compareAndSet(slot, owner, now)) {
            calls.set(slot, 0);
            failures.set(slot, 0);
        }
        calls.incrementAndGet(slot);
        if (failed) {
            failures.incrementAndGet(slot);
        }
    }

    /** Calls in the last 60 seconds. */
    public long perMinute() {
        return sum(calls);
    }

    /** Share of the last minute's calls that failed, 0 when there were none. */
    public double errorRate() {
        long total = sum(calls);
        return total == 0 ? 0 : (double) sum(failures) / total;
    }

    private long sum(AtomicLongArray values) {
        long now = clock.millis() / 1000;
        long total = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (now - second.get(i) < SLOTS) {
                total += values.get(i);
            }
        }
        return total;
    }
}
