package io.tiergate.provider;

import java.util.List;
import java.util.function.Supplier;

/**
 * The best head of one network (highest block reported by UP providers) and each provider's lag
 * behind it: more than {@code max-lag-blocks} makes a provider LAGGING until it catches up.
 */
public final class HeadTracker {

    private final Supplier<List<Provider>> providers;
    private final int maxLagBlocks;
    private volatile long bestHead = -1;

    public HeadTracker(Supplier<List<Provider>> providers, int maxLagBlocks) {
        this.providers = providers;
        this.maxLagBlocks = maxLagBlocks;
    }

    public long bestHead() {
        return bestHead;
    }

    public int maxLagBlocks() {
        return maxLagBlocks;
    }

    /** Blocks the provider is behind the best head; -1 when either head is unknown. */
    public long lag(Provider provider) {
        long head = provider.health().head();
        long best = bestHead;
        return head < 0 || best < 0 ? -1 : Math.max(0, best - head);
    }

    /** A provider reported a head (probe or eth_blockNumber answer): re-rank every provider's lag. */
    public void observe(Provider provider, long head) {
        boolean moved = head != provider.health().head();
        provider.observeHead(head);
        if (moved) {
            refresh();
        }
    }

    public synchronized void refresh() {
        List<Provider> all = providers.get();
        long best = -1;
        for (Provider p : all) {
            if (ranked(p)) {
                best = Math.max(best, p.health().head());
            }
        }
        if (best >= 0) {
            // Follows the UP providers, down too: a dead leader's block is no longer anyone's head.
            bestHead = best;
        }
        for (Provider p : all) {
            if (ranked(p) && p.health().head() >= 0 && best >= 0) {
                p.health().lag(best - p.health().head(), maxLagBlocks);
                p.publishState();
            }
        }
    }

    private static boolean ranked(Provider p) {
        HealthState state = p.health().state();
        return (state == HealthState.UP || state == HealthState.LAGGING) && !p.breakerDown();
    }
}
