package io.tiergate.selection;

import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.Tier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tier priority first: the first tier (in list order) with a usable, untried provider serves, and
 * its strategy picks among those, except that a provider whose breaker is half-open gets its one
 * trial call first. Providers that lag, sync, or whose head is below the block a request names are
 * a fallback: chosen (tier by tier again) only when no healthy provider is left in any tier. When
 * nothing is usable anywhere, the least recently failed provider is tried as a last resort (never
 * one whose quota is spent: that budget is a hard limit). A provider that does not serve the request's
 * method (method routing) is never chosen, not even as a last resort. Each tier has a strategy instance of its
 * own (a rotation counter is that tier's alone), made on the tier's first pick; tiers are never removed.
 */
public final class Selector {

    private final Clock clock;
    private final Map<Tier, SelectionStrategy> strategies = new ConcurrentHashMap<>();

    public Selector(Clock clock) {
        this.clock = clock;
    }

    /** The next provider to try, or null when none is left. */
    public Choice select(Network network, SelectionContext context) {
        long now = clock.millis();
        long required = context.requiredBlock();
        boolean anyFallback = false;
        for (Tier tier : network.tiers()) {
            List<Provider> candidates = null;
            Provider trial = null;
            for (Provider p : tier.providers()) {
                if (context.excluded(p) || !context.serves(p)) {
                    continue;
                }
                Availability availability = p.availability();
                if (!availability.selectable()) {
                    context.skipped(p, availability);
                    continue;
                }
                if (availability != Availability.USABLE || behind(p, required)) {
                    anyFallback = true;
                    continue;
                }
                if (trial == null && p.trialDue()) {
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
                return new Choice(strategy(network, tier).pick(weighted(candidates), now), false);
            }
        }
        if (anyFallback) {
            Choice fallback = fallback(network, context, now);
            if (fallback != null) {
                return fallback;
            }
        }
        return context.lastResortAvailable() ? lastResort(network, context) : null;
    }

    /** Lagging, syncing or behind the requested block: better than nothing once nothing healthy is left. */
    private Choice fallback(Network network, SelectionContext context, long now) {
        for (Tier tier : network.tiers()) {
            List<Provider> candidates = null;
            for (Provider p : tier.providers()) {
                if (!context.excluded(p) && p.availability().selectable() && context.serves(p)) {
                    if (candidates == null) {
                        candidates = new ArrayList<>(tier.providers().size());
                    }
                    candidates.add(p);
                }
            }
            if (candidates != null) {
                return new Choice(strategy(network, tier).pick(weighted(candidates), now), false);
            }
        }
        return null;
    }

    private SelectionStrategy strategy(Network network, Tier tier) {
        SelectionStrategy strategy = strategies.get(tier);
        // The lookup alone on the request path: the lambda is only made for a tier's first pick.
        return strategy != null ? strategy
                : strategies.computeIfAbsent(tier, t -> SelectionStrategy.of(network.definition().strategy()));
    }

    /** Weight 0 means no traffic while another provider of the tier is usable, whatever the strategy. */
    private static List<Provider> weighted(List<Provider> candidates) {
        boolean anyZero = false;
        boolean anyPositive = false;
        for (Provider p : candidates) {
            if (p.weight() == 0) {
                anyZero = true;
            } else {
                anyPositive = true;
            }
        }
        if (!anyZero || !anyPositive) {
            return candidates;
        }
        List<Provider> positive = new ArrayList<>(candidates.size());
        for (Provider p : candidates) {
            if (p.weight() > 0) {
                positive.add(p);
            }
        }
        return positive;
    }

    private static boolean behind(Provider p, long required) {
        if (required < 0) {
            return false;
        }
        long head = p.health().head();
        return head >= 0 && head < required;
    }

    private static Choice lastResort(Network network, SelectionContext context) {
        Provider best = null;
        for (Tier tier : network.tiers()) {
            for (Provider p : tier.providers()) {
                Availability availability = p.availability();
                if (context.excluded(p) || p.quota().isExhausted() || availability == Availability.MISCONFIGURED
                        || availability == Availability.DRAINED || !context.serves(p)) {
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
