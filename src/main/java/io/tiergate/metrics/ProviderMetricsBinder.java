package io.tiergate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.ProviderMeters;
import io.tiergate.provider.RegistryEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.tiergate.provider.Provider;

/**
 * Follows the registry the way Resilience4j's TaggedCircuitBreakerMetrics follows its registry: meters for
 * each provider added, removed with it, so a provider removed at run time leaves no series behind.
 */
public final class ProviderMetricsBinder {

    private final MeterRegistry meters;
    private final Map<Provider, ProviderMetrics> bound = new ConcurrentHashMap<>();

    private ProviderMetricsBinder(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Binds the network and tier gauges and every provider's meters, now and as providers come and go. */
    public static ProviderMetricsBinder bind(MeterRegistry meters, NetworkRegistry registry) {
        ProviderMetricsBinder binder = new ProviderMetricsBinder(meters);
        registry.networks().forEach(network -> NetworkMeters.bind(meters, network));
        registry.subscribe(binder::on);
        return binder;
    }

    private void on(RegistryEvent event) {
        if (event instanceof RegistryEvent.ProviderAdded added) {
            ProviderMetrics metrics = new ProviderMetrics(meters, added.network(), added.provider());
            bound.put(added.provider(), metrics);
            added.provider().attachMeters(metrics);
        } else if (event instanceof RegistryEvent.ProviderRemoved removed) {
            removed.provider().attachMeters(ProviderMeters.NONE);
            ProviderMetrics metrics = bound.remove(removed.provider());
            if (metrics != null) {
                metrics.remove();
            }
        }
    }

    /** Providers with meters now: none of a removed one stays. */
    public int boundProviders() {
        return bound.size();
    }
}
