package io.tiergate.provider;

import java.time.Duration;
import java.util.List;

/**
 * A network's request paths besides plain failover, resolved and validated: transaction broadcast, hedged
 * reads, the answer cache, coalescing, local answers, and how long a provider's "method not found" is believed.
 */
public record RequestPaths(
        BroadcastMode broadcastMode,
        List<String> broadcastExtraProviders,
        Hedge hedge,
        Cache cache,
        boolean coalescing,
        boolean localAnswers,
        Duration methodNotFoundTtl) {

    /** The defaults of application.yml.example. */
    public static final RequestPaths DEFAULTS = new RequestPaths(BroadcastMode.ALL_IN_TIER, List.of(),
            new Hedge(false, Duration.ofMillis(100), null, 10),
            new Cache(true, 64L << 20, 12), true, true, Duration.ofMinutes(10));

    /**
     * A read whose provider has not answered after {@code delay} (or, with {@code quantile}, that quantile of the
     * provider's recent latencies) also goes to the next provider; at most {@code maxInFlight} at once.
     */
    public record Hedge(boolean enabled, Duration delay, Double quantile, int maxInFlight) {
    }

    /** Immutable answers kept up to {@code maxBytes}, for blocks at least {@code confirmations} deep. */
    public record Cache(boolean enabled, long maxBytes, int confirmations) {
    }
}
