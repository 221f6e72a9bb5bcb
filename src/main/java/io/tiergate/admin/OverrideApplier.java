package io.tiergate.admin;

import io.tiergate.config.NetworkDefinitions;
import io.tiergate.config.NetworkProperties;
import io.tiergate.config.TiergateProperties;
import io.tiergate.health.HealthProber;
import io.tiergate.provider.AdminState;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lombok.extern.slf4j.Slf4j;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Applies stored overrides to the running providers: drain, weight, added and removed providers,
 * reinstates. Idempotent and version-aware, so the same change heard twice (or late, from a shared
 * store) is applied once.
 */
@Slf4j
public final class OverrideApplier {

    private final NetworkRegistry registry;
    private final TiergateProperties properties;
    private final ObjectProvider<HealthProber> prober;
    private final Map<String, ProviderOverride> applied = new ConcurrentHashMap<>();

    public OverrideApplier(NetworkRegistry registry, TiergateProperties properties, ObjectProvider<HealthProber> prober) {
        this.registry = registry;
        this.properties = properties;
        this.prober = prober;
    }

    /** An override stored before this replica started: its state holds, its past reinstates have nothing to clear. */
    public synchronized void restore(ProviderOverride override) {
        apply(override, true);
    }

    /** A change heard while running. */
    public synchronized void apply(ProviderOverride override) {
        apply(override, false);
    }

    private void apply(ProviderOverride override, boolean restoring) {
        String key = override.network() + "/" + override.provider();
        ProviderOverride before = applied.get(key);
        if (before != null && before.version() >= override.version()) {
            return;
        }
        Network network = registry.find(override.network());
        if (network == null) {
            return;
        }
        Provider provider = network.provider(override.provider());
        if (override.removed()) {
            if (provider != null) {
                Provider removed = provider;
                registry.removeProvider(network, removed);
            }
            applied.put(key, override);
            return;
        }
        if (provider == null && override.added() != null) {
            NetworkProperties defaults = properties.networks().get(network.name());
            provider = registry.addProvider(network, override.added().tier(), NetworkDefinitions.resolveAdded(
                    network.name(), defaults, override.added().tier(), override.added().properties()));
        }
        if (provider == null) {
            return;
        }
        // A reinstate comes first: it lifts a drain, and a drain stored after it must stay.
        if (!restoring && override.reinstates() > (before == null ? 0 : before.reinstates())) {
            provider.reinstate();
            Provider reinstated = provider;
            prober.ifAvailable(p -> p.probeSoon(reinstated));
        }
        provider.adminState(override.state());
        provider.overrideWeight(override.weight());
        if (override.state() == AdminState.DRAINED && (before == null || before.state() != AdminState.DRAINED)) {
            log.info("Network {}: provider {} drained ({} requests in flight finish normally)", network.name(),
                    provider.name(), provider.inFlight());
        }
        applied.put(key, override);
    }
}
