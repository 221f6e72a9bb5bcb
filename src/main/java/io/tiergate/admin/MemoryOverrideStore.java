package io.tiergate.admin;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Overrides held by this replica alone; lost on restart. */
public final class MemoryOverrideStore implements OverrideStore {

    private final Map<String, ProviderOverride> overrides = new ConcurrentHashMap<>();
    private final List<Consumer<ProviderOverride>> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;

    public MemoryOverrideStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ProviderOverride update(String network, String provider, String actor,
            UnaryOperator<ProviderOverride> change) {
        ProviderOverride stored = overrides.compute(key(network, provider), (k, current) -> {
            ProviderOverride base = current == null ? ProviderOverride.none(network, provider) : current;
            return change.apply(base).stamped(base.version() + 1, actor, clock.instant());
        });
        listeners.forEach(l -> l.accept(stored));
        return stored;
    }

    @Override
    public ProviderOverride get(String network, String provider) {
        return overrides.getOrDefault(key(network, provider), ProviderOverride.none(network, provider));
    }

    @Override
    public Collection<ProviderOverride> all() {
        return List.copyOf(overrides.values());
    }

    @Override
    public void subscribe(Consumer<ProviderOverride> listener) {
        listeners.add(listener);
    }

    private static String key(String network, String provider) {
        return network + "/" + provider;
    }
}
