package io.tiergate.provider;

import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Calls and failures of one provider over the last minute, in one-second slots: the "requests per
 * minute" and "error rate" operators read in the admin API. Slots are reused as the clock moves on.
 * Also the latencies of its last {@value #LATENCY_SAMPLES} answered calls, for latency quantiles (hedging), and
 * their moving average (the admin view's latencyMs): the one record of a provider's latency, beside its Timer.
 */
public final class RecentCalls {

    private static final int SLOTS = 60;
    static final int LATENCY_SAMPLES = 256;
    /** Weight of the newest sample in the latency average. */
    private static final double LATENCY_ALPHA = 0.2;

    private final Clock clock;
    private final AtomicLongArray second = new AtomicLongArray(SLOTS);
    private final AtomicLongArray calls = new AtomicLongArray(SLOTS);
    private final AtomicLongArray failures = new AtomicLongArray(SLOTS);
    private final AtomicLongArray latencies = new AtomicLongArray(LATENCY_SAMPLES);
    private final AtomicLong latencyCount = new AtomicLong();
    private volatile double latencyMillis = -1;

    public RecentCalls(Clock clock) {
        this.clock = clock;
    }

    /** A call ended; {@code nanos} is its latency, kept for quantiles when it answered. */
    public void record(boolean failed, long nanos) {
        if (!failed) {
            latencies.set((int) (latencyCount.getAndIncrement() % LATENCY_SAMPLES), nanos);
        }
        latency(nanos);
        record(failed);
    }

    /** A probe's round trip: it moves the latency average, but is no call of a client's. */
    public void latency(long nanos) {
        double millis = nanos / 1_000_000.0;
        double previous = latencyMillis;
        latencyMillis = previous < 0 ? millis : previous + LATENCY_ALPHA * (millis - previous);
    }

    /** Moving average of recent call latencies in milliseconds; -1 before the first call. */
    public double latencyMillis() {
        return latencyMillis;
    }

    /**
     * The {@code q} quantile (0..1) of the latencies of the last answered calls, in nanoseconds; -1 while
     * fewer than {@code minSamples} calls answered.
     */
    public long latencyQuantile(double q, int minSamples) {
        int n = (int) Math.min(latencyCount.get(), LATENCY_SAMPLES);
        if (n < Math.max(1, minSamples)) {
            return -1;
        }
        long[] sorted = new long[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = latencies.get(i);
        }
        Arrays.sort(sorted);
        // Nearest rank: the smallest sample with at least q of the samples at or below it.
        int rank = Math.max(0, (int) Math.ceil(q * n) - 1);
        return sorted[Math.min(n - 1, rank)];
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
