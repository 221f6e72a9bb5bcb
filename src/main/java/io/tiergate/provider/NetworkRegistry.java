package io.tiergate.provider;

import io.tiergate.policy.MethodPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import lombok.extern.slf4j.Slf4j;

/**
 * Owns every network and provider at run time; the request path, health and admin read from it. Providers
 * added, removed and changing state are published to any number of listeners ({@link #subscribe}).
 */
@Slf4j
public final class NetworkRegistry implements AutoCloseable {

    private final Map<String, Network> networks = new LinkedHashMap<>();
    private final Network defaultNetwork;
    private final ProviderFactory factory;
    private final List<Consumer<RegistryEvent>> listeners = new CopyOnWriteArrayList<>();

    public NetworkRegistry(List<NetworkDefinition> definitions, String defaultNetwork, ProviderFactory factory) {
        this.factory = factory;
        listeners.add(TransitionLog::log);
        for (NetworkDefinition definition : definitions) {
            List<Tier> tiers = new ArrayList<>();
            for (TierDefinition tier : definition.tiers()) {
                List<Provider> providers = new ArrayList<>();
                for (ProviderDefinition p : tier.providers()) {
                    providers.add(factory.create(definition, p, changes(definition.name())));
                }
                tiers.add(new Tier(tier.name(), tier.priority(), providers));
            }
            MethodPolicy policy = new MethodPolicy(definition.denyMethods(), definition.allowMethods());
            networks.put(definition.name(), new Network(definition, tiers, policy));
        }
        this.defaultNetwork = networks.get(defaultNetwork);
        logSummary();
    }

    /**
     * Adds a listener; it hears {@link RegistryEvent.ProviderAdded} for every provider already there first, so
     * a late subscriber misses nothing. Listeners run on the thread that changed the registry: keep them short.
     */
    public synchronized void subscribe(Consumer<RegistryEvent> listener) {
        for (Network network : networks.values()) {
            network.providers().forEach(p -> listener.accept(new RegistryEvent.ProviderAdded(network, p)));
        }
        listeners.add(listener);
    }

    private Consumer<ProviderStateChange> changes(String network) {
        return change -> publish(new RegistryEvent.StateChanged(networks.get(network), change));
    }

    private void publish(RegistryEvent event) {
        for (Consumer<RegistryEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("A registry listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** The named network, or null if none is configured under that name. */
    public Network find(String name) {
        return networks.get(name);
    }

    public Network defaultNetwork() {
        return defaultNetwork;
    }

    public Collection<Network> networks() {
        return networks.values();
    }

    /** Adds a provider at run time to an existing tier of a network. */
    public synchronized Provider addProvider(Network network, String tierName, ProviderDefinition definition) {
        Tier tier = network.tier(tierName);
        Provider provider = factory.create(network.definition(), definition, changes(network.name()));
        tier.add(provider);
        publish(new RegistryEvent.ProviderAdded(network, provider));
        log.info("Network {}: provider {} added to tier {} with weight {} ({})", network.name(), definition.name(),
                tierName, definition.weight(), definition.redactedUrl());
        return provider;
    }

    /** Takes a provider out of its network, frees its client and breaker, and tells every listener to forget it. */
    public synchronized void removeProvider(Network network, Provider provider) {
        Tier tier = network.tierOf(provider);
        if (tier != null && tier.remove(provider)) {
            factory.dispose(provider);
            publish(new RegistryEvent.ProviderRemoved(network, provider));
            log.info("Network {}: provider {} removed from tier {}", network.name(), provider.name(), tier.name());
        }
    }

    private void logSummary() {
        for (Network network : networks.values()) {
            NetworkDefinition d = network.definition();
            StringBuilder summary = new StringBuilder();
            summary.append("Network ").append(network.name())
                    .append(network == defaultNetwork ? " (default)" : "")
                    .append(": chain-id ").append(d.chainId() == null ? "unchecked" : d.chainId())
                    .append(", strategy ").append(d.strategy().configName())
                    .append(", request-timeout ").append(d.requestTimeout().toMillis()).append("ms")
                    .append(", max-attempts ").append(d.maxAttempts());
            for (Tier tier : network.tiers()) {
                summary.append("\n  tier ").append(tier.priority() + 1).append(' ').append(tier.name()).append(':');
                for (Provider p : tier.providers()) {
                    summary.append("\n    ").append(p.name()).append(" weight ").append(p.weight())
                            .append(' ').append(p.definition().redactedUrl());
                    if (p.quota().isLimited()) {
                        summary.append(" quota ").append(p.quota().spec().requests()).append('/')
                                .append(p.quota().spec().period());
                    }
                }
            }
            log.info("{}", summary);
        }
    }

    @Override
    public void close() {
        networks.values().forEach(n -> n.providers().forEach(factory::dispose));
    }
}
