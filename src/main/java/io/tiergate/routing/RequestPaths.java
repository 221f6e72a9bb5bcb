package io.tiergate.routing;

import io.tiergate.config.NetworkProperties.CacheProperties;
import io.tiergate.config.NetworkProperties.HedgeProperties;
import java.time.Duration;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * A network's request paths besides plain failover, resolved and validated: transaction broadcast, hedged
 * reads, the answer cache, coalescing, local answers, and how long a provider's "method not found" is believed.
 */
public record RequestPaths(
        BroadcastMode broadcastMode,
        List<String> broadcastExtraProviders,
        HedgeProperties hedge,
        CacheProperties cache,
        boolean coalescing,
        boolean localAnswers,
        Duration methodNotFoundTtl) {

    /** The defaults of application.yml.example. */
    public static final RequestPaths DEFAULTS = new RequestPaths(BroadcastMode.ALL_IN_TIER, List.of(),
            new HedgeProperties(false, Duration.ofMillis(100), null, 10),
            new CacheProperties(true, DataSize.ofMegabytes(64), 12), true, true, Duration.ofMinutes(10));
}
