package io.tiergate.provider;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What probes and calls have shown of one provider: the probed state (UNKNOWN, UP, LAGGING, SYNCING,
 * MISCONFIGURED), head block, last error and failures in a row. Written only through {@link Provider#record}
 * and the provider's probe and head reports; whether it is DOWN or RATE_LIMITED is read from its breaker and
 * backoff ({@link Provider#state()}), so there is one truth for each.
 */
public final class ProviderHealth {

    private final int maxFailures;
    private final Clock clock;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile HealthState state = HealthState.UNKNOWN;
    private volatile String reason = "not probed yet";
    private volatile long head = -1;
    private volatile long headMillis;
    private volatile String lastError;
    private volatile long lastErrorMillis;
    private volatile boolean chainVerified;

    public ProviderHealth(int maxFailures, Clock clock) {
        this.maxFailures = maxFailures;
        this.clock = clock;
    }

    /** The probed state: DOWN only when the provider has no circuit breaker to say so. */
    public HealthState state() {
        return state;
    }

    /** Why the probed state is what it is. */
    public String reason() {
        return reason;
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

    public boolean chainVerified() {
        return chainVerified;
    }

    public int failures() {
        return failures.get();
    }

    public int maxFailures() {
        return maxFailures;
    }

    void observeHead(long block) {
        if (block > head) {
            head = block;
        }
        headMillis = clock.millis();
    }

    /** A probe answered: head, syncing flag, and whether the chain id matched (null: not asked). */
    void probeSucceeded(long block, boolean syncing, Boolean chainMatches, String chainProblem) {
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

    /** Something went wrong; true when this makes {@code max-failures} in a row. */
    boolean failed(String why) {
        lastError = why;
        lastErrorMillis = clock.millis();
        return failures.incrementAndGet() >= maxFailures;
    }

    /** A rate limit: shown as the last error, but no failure in a row (the provider is protecting itself). */
    void limited(String why) {
        lastError = why;
        lastErrorMillis = clock.millis();
    }

    /** A call was served: failures in a row start again, and a provider marked DOWN without a breaker is back. */
    void served() {
        if (failures.get() != 0) {
            failures.set(0);
        }
        if (state == HealthState.DOWN) {
            moveTo(HealthState.UP, "a call was served");
        }
    }

    /** Failures in a row forgotten (its breaker closed). */
    void clearFailures() {
        failures.set(0);
    }

    /** Only for a provider without a circuit breaker: nothing else would keep it out of selection. */
    void markDown(String why) {
        if (state != HealthState.MISCONFIGURED) {
            moveTo(HealthState.DOWN, why);
        }
    }

    /** Lag against the network's best head decides between UP and LAGGING; other states stand. */
    void lag(long blocks, int maxLag) {
        HealthState current = state;
        if (current == HealthState.UP && blocks > maxLag) {
            moveTo(HealthState.LAGGING, blocks + " blocks behind the best head (max-lag-blocks " + maxLag + ")");
        } else if (current == HealthState.LAGGING && blocks <= maxLag) {
            moveTo(HealthState.UP, "caught up (" + blocks + " blocks behind)");
        }
    }

    /** Back to a clean slate, as after an operator's reinstate: unknown until the next probe. */
    void reset() {
        failures.set(0);
        lastError = null;
        moveTo(HealthState.UNKNOWN, "reinstated");
    }

    private synchronized void moveTo(HealthState next, String why) {
        if (state != next) {
            state = next;
            reason = why;
        }
    }
}
