package io.tiergate.provider;

import io.tiergate.policy.MethodPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.metrics.NetworkMeters;
import io.tiergate.metrics.ProviderMetrics;
import lombok.extern.slf4j.Slf4j;

/** Owns every network and provider at run time; the request path, health and admin read from it. */
@Slf4j
public final class NetworkRegistry implements AutoCloseable {

    private final Map<String, Network> networks = new LinkedHashMap<>();
    private final Network defaultNetwork;
    private final ProviderFactory factory;
    private final MeterRegistry meters;

    public NetworkRegistry(List<NetworkDefinition> definitions, String defaultNetwork, ProviderFactory factory) {
        this(definitions, defaultNetwork, factory, null);
    }

    /** {@code meters}: where provider, tier and network meters go; null for none. */
    public NetworkRegistry(List<NetworkDefinition> definitions, String defaultNetwork, ProviderFactory factory,
            MeterRegistry meters) {
        this.factory = factory;
        this.meters = meters;
        for (NetworkDefinition definition : definitions) {
            List<Tier> tiers = new ArrayList<>();
            for (TierDefinition tier : definition.tiers()) {
                List<Provider> providers = new ArrayList<>();
                for (ProviderDefinition p : tier.providers()) {
                    providers.add(factory.create(definition, p));
                }
                tiers.add(new Tier(tier.name(), tier.priority(), definition.strategy().newStrategy(), providers));
            }
            MethodPolicy policy = new MethodPolicy(definition.denyMethods(), definition.allowMethods());
            Network network = new Network(definition, tiers, policy);
            networks.put(definition.name(), network);
            if (meters != null) {
                network.providers().forEach(p -> p.attachMetrics(new ProviderMetrics(meters, network, p)));
                NetworkMeters.bind(meters, network);
            }
        }
        this.defaultNetwork = networks.get(defaultNetwork);
        logSummary();
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
    public Provider addProvider(Network network, String tierName, ProviderDefinition definition) {
        Tier tier = network.tier(tierName);
        Provider provider = factory.create(network.definition(), definition);
        if (meters != null) {
            provider.attachMetrics(new ProviderMetrics(meters, network, provider));
        }
        tier.add(provider);
        log.info("Network {}: provider {} added to tier {} with weight {} ({})", network.name(), definition.name(),
                tierName, definition.weight(), definition.redactedUrl());
        return provider;
    }

    /** Takes a provider out of its network and frees its client and breaker. */
    public void removeProvider(Network network, Provider provider) {
        Tier tier = network.tierOf(provider);
        if (tier != null && tier.remove(provider)) {
            factory.dispose(provider);
            if (provider.metrics() != null) {
                provider.metrics().remove();
            }
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
