package io.tiergate.chaos;

import static org.awaitility.Awaitility.await;

import io.tiergate.testsupport.OpenLoopLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault timeline of a chaos run: phase n starts when request n x phaseRequests is sent, and its fault is
 * applied then. Records when (wall clock, {@link System#nanoTime()}) each fault landed, for the report.
 */
final class ChaosScript {

    static final int PHASES = 8;

    /** A fault applied at the start of a phase; {@code appliedNanos}: when it had taken effect. */
    record Fault(int phase, String what, long appliedNanos, Duration tookToApply) {
    }

    private final int phaseRequests;
    private final List<Fault> faults = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private volatile long recoveryStartNanos = Long.MAX_VALUE;
    private volatile long allBackNanos = Long.MAX_VALUE;
    private volatile long totalOutageNanos = Long.MAX_VALUE;

    ChaosScript(int phaseRequests) {
        this.phaseRequests = phaseRequests;
    }

    /** Waits (on the wall clock: the load runs on it) until the phase's first request is due, then applies its fault. */
    void phase(int phase, OpenLoopLoad load, String what, Runnable fault) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                .until(() -> load.sent() >= phase * phaseRequests);
        long start = System.nanoTime();
        if (phase == 6) {
            totalOutageNanos = start;
        }
        fault.run();
        long applied = System.nanoTime();
        faults.add(new Fault(phase, what, applied, Duration.ofNanos(applied - start)));
    }

    /** The moment tier 1 may serve again: nodes back and the recovery allowance passed on the clock. */
    void markRecoveryStart() {
        recoveryStartNanos = System.nanoTime();
    }

    void markAllBack() {
        allBackNanos = System.nanoTime();
    }

    int phaseOf(int requestIndex) {
        return requestIndex / phaseRequests;
    }

    int phaseRequests() {
        return phaseRequests;
    }

    List<Fault> faults() {
        return faults;
    }

    long startedNanos() {
        return startedNanos;
    }

    long recoveryStartNanos() {
        return recoveryStartNanos;
    }

    long totalOutageNanos() {
        return totalOutageNanos;
    }

    long allBackNanos() {
        return allBackNanos;
    }
}
