package io.tiergate.routing;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.metrics.BroadcastMetrics;
import io.tiergate.metrics.HedgeMetrics;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.RequestPaths;
import java.time.Duration;

/**
 * The live state of one network's routed paths: the bound on hedges in flight and the meters of hedges and
 * broadcasts. Null members are features the network turned off.
 */
final class NetworkPaths {

    /** A latency quantile needs this many answered calls of the provider before it replaces the fixed delay. */
    static final int MIN_LATENCY_SAMPLES = 20;
    private static final Duration MIN_HEDGE_DELAY = Duration.ofMillis(1);

    private final Network network;
    private final RequestPaths config;
    private final Bulkhead hedges;
    private final HedgeMetrics hedgeMetrics;
    private final BroadcastMetrics broadcastMetrics;

    NetworkPaths(Network network, MeterRegistry meters) {
        this.network = network;
        this.config = network.definition().paths();
        String name = network.name();
        this.broadcastMetrics = new BroadcastMetrics(meters, name);
        RequestPaths.Hedge hedge = config.hedge();
        if (hedge.enabled()) {
            // A semaphore that never waits: a hedge either goes out now or not at all.
            hedges = Bulkhead.of("hedges-" + name, BulkheadConfig.custom()
                    .maxConcurrentCalls(hedge.maxInFlight()).maxWaitDuration(Duration.ZERO).build());
            hedgeMetrics = new HedgeMetrics(meters, name,
                    () -> hedge.maxInFlight() - hedges.getMetrics().getAvailableConcurrentCalls());
        } else {
            hedges = null;
            hedgeMetrics = null;
        }
    }

    Network network() {
        return network;
    }

    RequestPaths config() {
        return config;
    }

    Bulkhead hedges() {
        return hedges;
    }

    HedgeMetrics hedgeMetrics() {
        return hedgeMetrics;
    }

    BroadcastMetrics broadcastMetrics() {
        return broadcastMetrics;
    }

    /**
     * How long to wait for {@code provider} before hedging: {@code hedge.quantile} of its recent latencies
     * once it has enough of them, else {@code hedge.delay}.
     */
    Duration hedgeDelay(Provider provider) {
        RequestPaths.Hedge hedge = config.hedge();
        if (hedge.quantile() != null && provider != null) {
            long nanos = provider.recent().latencyQuantile(hedge.quantile(), MIN_LATENCY_SAMPLES);
            if (nanos >= 0) {
                Duration quantile = Duration.ofNanos(nanos);
                return quantile.compareTo(MIN_HEDGE_DELAY) < 0 ? MIN_HEDGE_DELAY : quantile;
            }
        }
        return hedge.delay();
    }
}
