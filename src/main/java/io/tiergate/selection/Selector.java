package io.tiergate.selection;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.Tier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Tier priority first: the first tier (in list order) with a usable, untried provider serves, and
 * its strategy picks among those, except that a provider whose breaker is half-open gets its one
 * trial call first. When nothing is usable anywhere, the least recently failed
 * provider is tried as a last resort (never one whose quota is spent: that budget is a hard limit).
 */
public final class Selector {

    private final Clock clock;

    public Selector(Clock clock) {
        this.clock = clock;
    }

    /** The next provider to try, or null when none is left. */
    public Choice select(Network network, SelectionContext context) {
        long now = clock.millis();
        List<Provider> candidates = null;
        Provider trial = null;
        for (Tier tier : network.tiers()) {
            for (Provider p : tier.providers()) {
                if (context.excluded(p)) {
                    continue;
                }
                Availability availability = p.availability();
                if (availability != Availability.USABLE) {
                    context.skipped(p, availability);
                    continue;
                }
                if (trial == null && p.breaker().getState() == CircuitBreaker.State.HALF_OPEN) {
                    trial = p;
                }
                if (candidates == null) {
                    candidates = new ArrayList<>(tier.providers().size());
                }
                candidates.add(p);
            }
            if (trial != null) {
                // A recovering provider gets its trial call first: its score, worn down by the failures
                // that opened the breaker, would otherwise leave it waiting for a lucky pick.
                return new Choice(trial, false);
            }
            if (candidates != null) {
                return new Choice(tier.strategy().pick(candidates, now), false);
            }
        }
        return context.lastResortAvailable() ? lastResort(network, context) : null;
    }

    private static Choice lastResort(Network network, SelectionContext context) {
        Provider best = null;
        for (Tier tier : network.tiers()) {
            for (Provider p : tier.providers()) {
                if (context.excluded(p) || p.quota().isExhausted()) {
                    continue;
                }
                if (best == null || p.lastFailureMillis() < best.lastFailureMillis()) {
                    best = p;
                }
            }
        }
        return best == null ? null : new Choice(best, true);
    }
}
