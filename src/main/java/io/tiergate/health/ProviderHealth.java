package io.tiergate.health;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The live health of one provider: state, head block, last error and recent latency, written by
 * probes and by request outcomes. Transitions are reported to a listener (logging, breaker sync).
 */
public final class ProviderHealth {

    /** Weight of the newest sample in the latency average. */
    private static final double LATENCY_ALPHA = 0.2;

    private final int maxFailures;
    private final Clock clock;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile HealthState state = HealthState.UNKNOWN;
    private volatile long head = -1;
    private volatile long headMillis;
    private volatile String lastError;
    private volatile long lastErrorMillis;
    private volatile double latencyMillis = -1;
    private volatile boolean chainVerified;
    private volatile Consumer<Transition> listener = t -> { };

    /** A change of state, with the evidence for it. */
    public record Transition(HealthState from, HealthState to, String reason) {
    }

    public ProviderHealth(int maxFailures, Clock clock) {
        this.maxFailures = maxFailures;
        this.clock = clock;
    }

    public void onTransition(Consumer<Transition> listener) {
        this.listener = listener;
    }

    public HealthState state() {
        return state;
    }

    /** Last known head block, -1 when unknown. */
    public long head() {
        return head;
    }

    public long headMillis() {
        return headMillis;
    }

    public String lastError() {
        return lastError;
    }

    public long lastErrorMillis() {
        return lastErrorMillis;
    }

    /** Moving average of recent call latencies in milliseconds; -1 before the first call. */
    public double latencyMillis() {
        return latencyMillis;
    }

    public boolean chainVerified() {
        return chainVerified;
    }

    public int failures() {
        return failures.get();
    }

    public void observeHead(long block) {
        if (block > head) {
            head = block;
        }
        headMillis = clock.millis();
    }

    public void observeLatency(long nanos) {
        double millis = nanos / 1_000_000.0;
        double previous = latencyMillis;
        latencyMillis = previous < 0 ? millis : previous + LATENCY_ALPHA * (millis - previous);
    }

    /** A probe answered: head, syncing flag, and whether the chain id matched (null: not asked). */
    public void probeSucceeded(long block, boolean syncing, Boolean chainMatches, String chainProblem) {
        failures.set(0);
        head = block;
        headMillis = clock.millis();
        if (chainMatches != null) {
            chainVerified = chainMatches;
            if (!chainMatches) {
                moveTo(HealthState.MISCONFIGURED, chainProblem);
                return;
            }
        }
        if (state == HealthState.MISCONFIGURED && !chainVerified) {
            return;
        }
        if (!syncing && state == HealthState.LAGGING) {
            return; // lag, measured against the other providers, decides when it is UP again
        }
        moveTo(syncing ? HealthState.SYNCING : HealthState.UP, syncing ? "node reports it is syncing" : "probe answered");
    }

    /** A probe or a request failed; {@code max-failures} of them in a row make the provider DOWN. */
    public void failed(String reason, boolean mayMarkDown) {
        lastError = reason;
        lastErrorMillis = clock.millis();
        if (failures.incrementAndGet() >= maxFailures && mayMarkDown && state != HealthState.MISCONFIGURED) {
            moveTo(HealthState.DOWN, maxFailures + " failures in a row, last: " + reason);
        }
    }

    /** A request succeeded: evidence the provider is reachable again. */
    public void requestSucceeded() {
        if (failures.get() != 0) {
            failures.set(0);
        }
        if (state == HealthState.DOWN) {
            moveTo(HealthState.UP, "a request succeeded");
        }
    }

    /** Its circuit breaker opened or closed: health follows so the two never disagree. */
    public void breakerOpened(String reason) {
        if (state != HealthState.MISCONFIGURED) {
            moveTo(HealthState.DOWN, reason);
        }
    }

    public void breakerClosed() {
        if (state == HealthState.DOWN) {
            failures.set(0);
            moveTo(HealthState.UP, "circuit breaker closed");
        }
    }

    /** Lag against the network's best head decides between UP and LAGGING; other states stand. */
    public void lag(long blocks, int maxLag) {
        HealthState current = state;
        if (current == HealthState.UP && blocks > maxLag) {
            moveTo(HealthState.LAGGING, blocks + " blocks behind the best head (max-lag-blocks " + maxLag + ")");
        } else if (current == HealthState.LAGGING && blocks <= maxLag) {
            moveTo(HealthState.UP, "caught up (" + blocks + " blocks behind)");
        }
    }

    /** Back to a clean slate, as after an operator's reinstate: unknown until the next probe. */
    public void reset() {
        failures.set(0);
        lastError = null;
        moveTo(HealthState.UNKNOWN, "reinstated");
    }

    private synchronized void moveTo(HealthState next, String reason) {
        HealthState previous = state;
        if (previous != next) {
            state = next;
            listener.accept(new Transition(previous, next, reason));
        }
    }
}
