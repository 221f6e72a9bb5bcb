package io.tiergate.config;

import static io.tiergate.config.PropertyChecks.atLeastOne;
import static io.tiergate.config.PropertyChecks.list;
import static io.tiergate.config.PropertyChecks.positive;

import io.tiergate.config.NetworkProperties.BroadcastProperties;
import io.tiergate.config.NetworkProperties.CacheProperties;
import io.tiergate.config.NetworkProperties.CircuitBreakerProperties;
import io.tiergate.config.NetworkProperties.HedgeProperties;
import io.tiergate.config.NetworkProperties.RateLimitBackoffProperties;
import io.tiergate.provider.BackoffSettings;
import io.tiergate.provider.BroadcastMode;
import io.tiergate.provider.CircuitBreakerSettings;
import io.tiergate.provider.NetworkDefinition;
import io.tiergate.provider.ProviderDefinition;
import io.tiergate.provider.RequestPaths;
import io.tiergate.provider.StrategyType;
import io.tiergate.provider.TierDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import lombok.extern.slf4j.Slf4j;

/**
 * Turns the bound {@code tiergate.*} properties into validated, immutable network definitions,
 * with every default resolved. The first invalid key stops start-up with a message naming it.
 */
@Slf4j
public final class NetworkDefinitions {

    public static final int MAX_WEIGHT = 1000;

    private NetworkDefinitions() {
    }

    public static List<NetworkDefinition> resolve(TiergateProperties props) {
        return resolve(props, key -> null);
    }

    /**
     * {@code rawValues} gives a key's value as written, before placeholders were resolved, so a
     * left-out provider's log line can name the environment variables that would bring it in.
     */
    public static List<NetworkDefinition> resolve(TiergateProperties props, Function<String, String> rawValues) {
        Map<String, NetworkProperties> networks = props.networks() == null ? Map.of() : props.networks();
        if (networks.isEmpty()) {
            throw new InvalidConfigurationException("tiergate.networks", "no network configured");
        }
        if (props.defaultNetwork() == null || !networks.containsKey(props.defaultNetwork())) {
            throw new InvalidConfigurationException("tiergate.default-network",
                    "unknown network '" + props.defaultNetwork() + "' (configured: "
                            + String.join(", ", networks.keySet()) + ")");
        }
        if (props.maxBatchSize() < 1) {
            throw new InvalidConfigurationException("tiergate.max-batch-size", "must be at least 1");
        }
        if (props.upstreamBatchSize() < 1) {
            throw new InvalidConfigurationException("tiergate.upstream-batch-size", "must be at least 1");
        }
        if (props.maxRequestSize() == null || props.maxRequestSize().toBytes() < 1
                || props.maxRequestSize().toBytes() > Integer.MAX_VALUE) {
            throw new InvalidConfigurationException("tiergate.max-request-size", "must be between 1B and 2GB");
        }
        if (props.maxResponseSize() == null || props.maxResponseSize().toBytes() < 1) {
            throw new InvalidConfigurationException("tiergate.max-response-size", "must be at least 1B");
        }
        List<NetworkDefinition> result = new ArrayList<>();
        networks.forEach((name, network) -> result.add(network(name, network, rawValues)));
        return result;
    }

    private static NetworkDefinition network(String name, NetworkProperties n, Function<String, String> rawValues) {
        String key = "tiergate.networks." + name;
        StrategyType strategy = StrategyType.fromConfig(n.strategy());
        if (strategy == null) {
            throw new InvalidConfigurationException(key + ".strategy",
                    "unknown strategy '" + n.strategy() + "' (use one of: " + StrategyType.names() + ")");
        }
        positive(key + ".request-timeout", n.requestTimeout());
        positive(key + ".timeout", n.timeout());
        positive(key + ".health-check-interval", n.healthCheckInterval());
        atLeastOne(key + ".max-attempts", n.maxAttempts());
        atLeastOne(key + ".max-failures", n.maxFailures());
        CircuitBreakerProperties breaker = n.circuitBreaker();
        atLeastOne(key + ".circuit-breaker.failure-threshold", breaker.failureThreshold());
        positive(key + ".circuit-breaker.open-duration", breaker.openDuration());
        RateLimitBackoffProperties backoff = n.rateLimitBackoff();
        positive(key + ".rate-limit-backoff.initial", backoff.initial());
        positive(key + ".rate-limit-backoff.max", backoff.max());
        if (backoff.max().compareTo(backoff.initial()) < 0) {
            throw new InvalidConfigurationException(key + ".rate-limit-backoff.max", "must not be less than initial");
        }
        if (n.chainId() != null && n.chainId() < 0) {
            throw new InvalidConfigurationException(key + ".chain-id", "must not be negative");
        }
        List<TierProperties> tierProps = n.tiers() == null ? List.of() : n.tiers();
        Map<String, String> providerKeys = new HashMap<>();
        Map<String, String> tierKeys = new HashMap<>();
        Set<String> leftOut = new HashSet<>();
        List<TierDefinition> tiers = new ArrayList<>();
        for (int t = 0; t < tierProps.size(); t++) {
            TierProperties tier = tierProps.get(t);
            String tierKey = key + ".tiers[" + t + "]";
            if (tier.name() == null || tier.name().isBlank()) {
                throw new InvalidConfigurationException(tierKey + ".name", "every tier needs a name");
            }
            String earlierTier = tierKeys.putIfAbsent(tier.name(), tierKey);
            if (earlierTier != null) {
                throw new InvalidConfigurationException(tierKey + ".name",
                        "duplicate tier name '" + tier.name() + "' (also at " + earlierTier + ")");
            }
            if (!tier.enabled()) {
                log.info("Network {}: tier '{}' is disabled and left out", name, tier.name());
                continue;
            }
            List<ProviderDefinition> providers = new ArrayList<>();
            for (ProviderSource source : ProviderSource.of(tier, tierKey)) {
                ProviderDefinition provider = ProviderDefinitions.resolve(name, n, tier.name(), source, rawValues);
                if (provider == null) {
                    leftOut.add(source.properties().name().trim());
                    continue;
                }
                String earlier = providerKeys.putIfAbsent(provider.name(), source.key());
                if (earlier != null) {
                    throw new InvalidConfigurationException(source.nameKey(),
                            "duplicate provider name '" + provider.name() + "' in network " + name
                                    + " (also at " + earlier + ")");
                }
                providers.add(provider);
            }
            if (!providers.isEmpty()) {
                tiers.add(new TierDefinition(tier.name(), tiers.size(), List.copyOf(providers)));
            }
        }
        if (tiers.isEmpty()) {
            throw new InvalidConfigurationException(key + ".tiers",
                    "network '" + name + "' has no provider (every provider's url is empty, or no tier is enabled)");
        }
        if (n.maxLagBlocks() < 0) {
            throw new InvalidConfigurationException(key + ".max-lag-blocks", "must not be negative");
        }
        RequestPaths paths = paths(key, name, n, tiers, leftOut);
        return new NetworkDefinition(name, n.chainId(), strategy, n.requestTimeout(), n.maxAttempts(), n.maxLagBlocks(),
                new CircuitBreakerSettings(breaker.enabled(), breaker.failureThreshold(), breaker.openDuration()),
                new BackoffSettings(backoff.enabled(), backoff.initial(), backoff.max()),
                list(n.allowMethods()), list(n.denyMethods()), List.copyOf(tiers), paths);
    }

    /** Broadcast, hedging, cache, coalescing and method-not-found memory of one network. */
    private static RequestPaths paths(String key, String name, NetworkProperties n, List<TierDefinition> tiers,
            Set<String> leftOut) {
        BroadcastProperties broadcast = n.broadcast();
        BroadcastMode mode = BroadcastMode.fromConfig(broadcast.mode());
        if (mode == null) {
            throw new InvalidConfigurationException(key + ".broadcast.mode",
                    "unknown broadcast mode '" + broadcast.mode() + "' (use one of: " + BroadcastMode.names() + ")");
        }
        List<String> names = new ArrayList<>();
        tiers.forEach(t -> t.providers().forEach(p -> names.add(p.name())));
        List<String> extras = new ArrayList<>();
        List<String> configured = list(broadcast.extraProviders());
        for (int i = 0; i < configured.size(); i++) {
            String extra = configured.get(i) == null ? "" : configured.get(i).trim();
            if (names.contains(extra)) {
                if (!extras.contains(extra)) {
                    extras.add(extra);
                }
            } else if (leftOut.contains(extra)) {
                // Its url is empty (an unset variable): left out of broadcasts just as it is left out of the network.
                log.info("Network {}: broadcast extra provider '{}' left out with the provider", name, extra);
            } else {
                throw new InvalidConfigurationException(key + ".broadcast.extra-providers[" + i + "]",
                        "no provider '" + extra + "' in network " + name + " (providers: " + String.join(", ", names)
                                + ")");
            }
        }
        HedgeProperties hedge = n.hedge();
        positive(key + ".hedge.delay", hedge.delay());
        if (hedge.quantile() != null && !(hedge.quantile() > 0 && hedge.quantile() < 1)) {
            throw new InvalidConfigurationException(key + ".hedge.quantile",
                    "must be between 0 and 1, exclusive, e.g. 0.9 (was " + hedge.quantile() + ")");
        }
        atLeastOne(key + ".hedge.max-in-flight", hedge.maxInFlight());
        CacheProperties cache = n.cache();
        if (cache.maxSize() == null || cache.maxSize().toBytes() < 1) {
            throw new InvalidConfigurationException(key + ".cache.max-size", "must be at least 1B (e.g. 64MB)");
        }
        if (cache.confirmations() < 0) {
            throw new InvalidConfigurationException(key + ".cache.confirmations",
                    "must not be negative (was " + cache.confirmations() + ")");
        }
        if (n.methodNotFoundTtl() == null || n.methodNotFoundTtl().isNegative()) {
            throw new InvalidConfigurationException(key + ".method-not-found-ttl",
                    "must be a duration, 0s to never remember (e.g. 10m)");
        }
        return new RequestPaths(mode, List.copyOf(extras),
                new RequestPaths.Hedge(hedge.enabled(), hedge.delay(), hedge.quantile(), hedge.maxInFlight()),
                new RequestPaths.Cache(cache.enabled(), cache.maxSize().toBytes(), cache.confirmations()),
                n.coalescing().enabled(),
                n.localAnswers().enabled(), n.methodNotFoundTtl());
    }

    /**
     * A provider added at run time, validated exactly as one from configuration, with the network's
     * defaults. Problems are reported against the field names of the request body.
     */
    public static ProviderDefinition resolveAdded(String network, NetworkProperties n, String tier,
            ProviderProperties p) {
        ProviderDefinition definition = ProviderDefinitions.resolve(network, n, tier, ProviderSource.added(p),
                key -> null);
        if (definition == null) {
            throw new InvalidConfigurationException("url", "must not be empty (with {api-key}, api-key too)");
        }
        return definition;
    }
}
