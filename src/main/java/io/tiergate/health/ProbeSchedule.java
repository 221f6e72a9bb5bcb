package io.tiergate.health;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a provider's next probe is due: every health-check-interval, give or take a tenth so that
 * probes of many providers (and of many replicas) do not align; the first one right away.
 */
public final class ProbeSchedule {

    private static final double JITTER = 0.1;

    private final long intervalMillis;
    private final Clock clock;
    private volatile long nextMillis;
    private volatile boolean running;

    public ProbeSchedule(long intervalMillis, Clock clock) {
        this.intervalMillis = intervalMillis;
        this.clock = clock;
        this.nextMillis = clock.millis();
    }

    /** True (and the probe is booked) when due and none is running; the next one is then planned. */
    public synchronized boolean tryStart() {
        long now = clock.millis();
        if (running || now < nextMillis) {
            return false;
        }
        running = true;
        long jitter = (long) (intervalMillis * JITTER);
        nextMillis = now + intervalMillis + (jitter > 0 ? ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : 0);
        return true;
    }

    public void finished() {
        running = false;
    }

    /** Probe at the next tick, e.g. after an operator's reinstate. */
    public void dueNow() {
        nextMillis = clock.millis();
    }

    /** Skip this round without probing (resting after a rate limit, or no quota left). */
    public void postponeUntil(long millis) {
        nextMillis = Math.max(nextMillis, millis);
    }

    public long nextMillis() {
        return nextMillis;
    }
}
