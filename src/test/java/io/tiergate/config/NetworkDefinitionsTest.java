package io.tiergate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tiergate.config.NetworkProperties.BroadcastProperties;
import io.tiergate.config.NetworkProperties.CacheProperties;
import io.tiergate.config.NetworkProperties.CircuitBreakerProperties;
import io.tiergate.config.NetworkProperties.CoalescingProperties;
import io.tiergate.config.NetworkProperties.HedgeProperties;
import io.tiergate.config.NetworkProperties.LocalAnswersProperties;
import io.tiergate.config.NetworkProperties.RateLimitBackoffProperties;
import io.tiergate.config.ProviderProperties.MethodsProperties;
import io.tiergate.config.ProviderProperties.QuotaProperties;
import io.tiergate.policy.MethodLists;
import io.tiergate.provider.BroadcastMode;
import io.tiergate.provider.NetworkDefinition;
import io.tiergate.provider.ProviderDefinition;
import io.tiergate.provider.Quota;
import io.tiergate.provider.RequestPaths;
import io.tiergate.provider.StrategyType;
import io.tiergate.provider.TierDefinition;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

class NetworkDefinitionsTest {

    private static final String NET = "tiergate.networks.ethereum";
    private static final String SECRET = "9aa3d95b3bc440fa88ea12eaa4456161";

    // --- builders for the bound records --------------------------------------------------------

    static final class ProviderBuilder {
        String name;
        String url;
        String wsUrl;
        String apiKey;
        Integer weight;
        Duration timeout;
        Integer maxFailures;
        Duration healthCheckInterval;
        Map<String, String> headers;
        QuotaProperties rateLimit;
        MethodsProperties methods;

        ProviderBuilder(String name, String url) {
            this.name = name;
            this.url = url;
        }

        ProviderBuilder with(Consumer<ProviderBuilder> change) {
            change.accept(this);
            return this;
        }

        ProviderProperties build() {
            return new ProviderProperties(name, url, wsUrl, apiKey, weight, timeout, maxFailures, healthCheckInterval,
                    headers, rateLimit, methods);
        }
    }

    static final class TierBuilder {
        String name;
        boolean enabled = true;
        List<String> endpoints;
        int endpointWeight = 100;
        List<ProviderBuilder> providers = new ArrayList<>();

        TierBuilder(String name, ProviderBuilder... providers) {
            this.name = name;
            this.providers.addAll(List.of(providers));
        }

        TierBuilder with(Consumer<TierBuilder> change) {
            change.accept(this);
            return this;
        }

        TierProperties build() {
            return new TierProperties(name, enabled, endpoints, endpointWeight,
                    providers.stream().map(ProviderBuilder::build).toList());
        }
    }

    static final class NetworkBuilder {
        Long chainId = 1L;
        String strategy = "priority-weighted";
        Duration requestTimeout = Duration.ofSeconds(10);
        int maxAttempts = 5;
        Duration timeout = Duration.ofSeconds(5);
        int maxFailures = 3;
        Duration healthCheckInterval = Duration.ofSeconds(30);
        int maxLagBlocks = 3;
        CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties(true, 3, Duration.ofSeconds(60));
        RateLimitBackoffProperties rateLimitBackoff =
                new RateLimitBackoffProperties(true, Duration.ofSeconds(60), Duration.ofSeconds(900));
        List<String> allowMethods;
        List<String> denyMethods;
        List<TierBuilder> tiers = new ArrayList<>();
        BroadcastProperties broadcast = new BroadcastProperties("all-in-tier", null);
        HedgeProperties hedge = new HedgeProperties(false, Duration.ofMillis(100), null, 10);
        CacheProperties cache = new CacheProperties(true, DataSize.ofMegabytes(64), 12);
        Duration methodNotFoundTtl = Duration.ofMinutes(10);

        NetworkBuilder(TierBuilder... tiers) {
            this.tiers.addAll(List.of(tiers));
        }

        NetworkBuilder with(Consumer<NetworkBuilder> change) {
            change.accept(this);
            return this;
        }

        NetworkProperties build() {
            return new NetworkProperties(chainId, strategy, requestTimeout, maxAttempts, timeout, maxFailures,
                    healthCheckInterval, maxLagBlocks, circuitBreaker, rateLimitBackoff, allowMethods, denyMethods,
                    tiers == null ? null : tiers.stream().map(TierBuilder::build).toList(), broadcast, hedge, cache,
                    new CoalescingProperties(true), new LocalAnswersProperties(true), methodNotFoundTtl);
        }
    }

    private static ProviderBuilder provider(String name, String url) {
        return new ProviderBuilder(name, url);
    }

    private static TierBuilder tier(String name, ProviderBuilder... providers) {
        return new TierBuilder(name, providers);
    }

    private static NetworkBuilder network(TierBuilder... tiers) {
        return new NetworkBuilder(tiers);
    }

    /** The seed layout: local (2), cloud (2), public (1). */
    private static NetworkBuilder seed() {
        return network(
                tier("local", provider("erigon_local", "http://127.0.0.1:8545").with(p -> p.weight = 100),
                        provider("geth_local", "http://127.0.0.1:8549").with(p -> p.weight = 80)),
                tier("cloud", provider("infura_primary", "https://mainnet.infura.io/v3/{api-key}")
                                .with(p -> p.apiKey = SECRET).with(p -> p.weight = 60),
                        provider("alchemy_primary", "https://eth-mainnet.g.alchemy.com/v2/{api-key}")
                                .with(p -> p.apiKey = "").with(p -> p.weight = 60)),
                tier("public", provider("publicnode_eth", "https://ethereum-rpc.publicnode.com")
                        .with(p -> p.weight = 20)));
    }

    private static TiergateProperties props(NetworkBuilder ethereum) {
        Map<String, NetworkProperties> networks = new LinkedHashMap<>();
        networks.put("ethereum", ethereum.build());
        return props("ethereum", networks);
    }

    private static TiergateProperties props(String defaultNetwork, Map<String, NetworkProperties> networks) {
        return new TiergateProperties(defaultNetwork, networks, 100, 100, DataSize.ofMegabytes(5), DataSize.ofMegabytes(128),
                true);
    }

    private static NetworkDefinition resolveOne(NetworkBuilder ethereum) {
        List<NetworkDefinition> resolved = NetworkDefinitions.resolve(props(ethereum));
        assertThat(resolved).hasSize(1);
        return resolved.get(0);
    }

    private static InvalidConfigurationException invalid(TiergateProperties props) {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> NetworkDefinitions.resolve(props));
        assertThat(e).as("configuration must be refused").isNotNull();
        assertThat(e.getMessage()).startsWith(e.key() + ": ");
        return e;
    }

    private static InvalidConfigurationException invalid(NetworkBuilder ethereum) {
        return invalid(props(ethereum));
    }

    private static List<String> names(NetworkDefinition network) {
        return network.tiers().stream().flatMap(t -> t.providers().stream()).map(ProviderDefinition::name).toList();
    }

    private static ProviderDefinition find(NetworkDefinition network, String name) {
        return network.tiers().stream().flatMap(t -> t.providers().stream())
                .filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    // --- a valid configuration ------------------------------------------------------------------

    @Test
    void validConfigurationKeepsTierOrderAndResolvesDefaults() {
        NetworkDefinition ethereum = resolveOne(seed().with(n -> n.strategy = "round-robin"));

        assertThat(ethereum.name()).isEqualTo("ethereum");
        assertThat(ethereum.chainId()).isEqualTo(1L);
        assertThat(ethereum.strategy()).isEqualTo(StrategyType.ROUND_ROBIN);
        assertThat(ethereum.tiers()).extracting(TierDefinition::name).containsExactly("local", "cloud", "public");
        assertThat(ethereum.tiers()).extracting(TierDefinition::priority).containsExactly(0, 1, 2);
        assertThat(names(ethereum)).containsExactly("erigon_local", "geth_local", "infura_primary", "publicnode_eth");
        ProviderDefinition geth = find(ethereum, "geth_local");
        assertThat(geth.weight()).isEqualTo(80);
        assertThat(geth.tier()).isEqualTo("local");
        assertThat(geth.network()).isEqualTo("ethereum");
        assertThat(geth.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(geth.maxFailures()).isEqualTo(3);
        assertThat(geth.healthCheckInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(geth.quota()).isNull();
        assertThat(geth.headers()).isEmpty();
    }

    @Test
    void providerOverridesNetworkDefaultsAndGetsItsQuotaAndHeaders() {
        NetworkDefinition ethereum = resolveOne(network(tier("cloud",
                provider("infura_primary", "https://mainnet.infura.io/v3/x").with(p -> {
                    p.timeout = Duration.ofSeconds(2);
                    p.maxFailures = 7;
                    p.healthCheckInterval = Duration.ofSeconds(9);
                    p.headers = Map.of("Authorization", "Bearer t");
                    p.rateLimit = new QuotaProperties(100_000L, Duration.ofDays(1));
                }),
                provider("defaulted", "https://rpc.example.com"))));

        ProviderDefinition infura = find(ethereum, "infura_primary");
        assertThat(infura.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(infura.maxFailures()).isEqualTo(7);
        assertThat(infura.healthCheckInterval()).isEqualTo(Duration.ofSeconds(9));
        assertThat(infura.headers()).containsEntry("Authorization", "Bearer t");
        assertThat(infura.quota()).isEqualTo(new Quota.Spec(100_000, Duration.ofDays(1)));
        assertThat(find(ethereum, "defaulted").weight()).as("default weight").isEqualTo(100);
    }

    @Test
    void weightBoundsZeroAndOneThousandAreAccepted() {
        NetworkDefinition ethereum = resolveOne(network(tier("local",
                provider("standby", "http://127.0.0.1:1").with(p -> p.weight = 0),
                provider("heavy", "http://127.0.0.1:2").with(p -> p.weight = 1000))));

        assertThat(find(ethereum, "standby").weight()).isZero();
        assertThat(find(ethereum, "heavy").weight()).isEqualTo(1000);
    }

    @Test
    void sameProviderNameMayBeUsedInTwoNetworks() {
        Map<String, NetworkProperties> networks = new LinkedHashMap<>();
        networks.put("ethereum", network(tier("local", provider("node", "http://127.0.0.1:8545"))).build());
        networks.put("arbitrum", network(tier("local", provider("node", "http://127.0.0.1:8547"))).build());

        List<NetworkDefinition> resolved = NetworkDefinitions.resolve(props("ethereum", networks));

        assertThat(resolved).extracting(NetworkDefinition::name).containsExactly("ethereum", "arbitrum");
    }

    // --- invalid configurations name their key ---------------------------------------------------

    @Test
    void duplicateProviderNamesAcrossTiersAreRefused() {
        InvalidConfigurationException e = invalid(network(
                tier("local", provider("erigon", "http://127.0.0.1:8545"), provider("geth", "http://127.0.0.1:8549")),
                tier("cloud", provider("geth", "https://rpc.example.com"))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[1].providers[0].name");
        assertThat(e.getMessage()).contains("geth").contains(NET + ".tiers[0].providers[1]");
    }

    @Test
    void duplicateProviderNamesWithinATierAreRefused() {
        InvalidConfigurationException e = invalid(network(tier("local",
                provider("node", "http://127.0.0.1:8545"), provider("other", "http://127.0.0.1:8546"),
                provider(" node ", "http://127.0.0.1:8547"))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[0].providers[2].name");
    }

    @Test
    void duplicateTierNamesAreRefused() {
        InvalidConfigurationException e = invalid(network(
                tier("local", provider("a", "http://127.0.0.1:1")), tier("local", provider("b", "http://127.0.0.1:2"))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[1].name");
    }

    @Test
    void tierAndProviderWithoutNameAreRefused() {
        assertThat(invalid(network(tier(" ", provider("a", "http://127.0.0.1:1")))).key())
                .isEqualTo(NET + ".tiers[0].name");
        assertThat(invalid(network(tier("local", provider("a", "http://127.0.0.1:1"), provider(null, "http://x"))))
                .key()).isEqualTo(NET + ".tiers[0].providers[1].name");
    }

    @Test
    void negativeWeightIsRefused() {
        InvalidConfigurationException e = invalid(network(tier("local",
                provider("erigon", "http://127.0.0.1:8545"), provider("geth", "http://127.0.0.1:8549").with(p -> p.weight = -5))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[0].providers[1].weight");
        assertThat(e.getMessage()).isEqualTo(NET + ".tiers[0].providers[1].weight: must be between 0 and 1000 (was -5)");
    }

    @Test
    void weightAboveOneThousandIsRefused() {
        InvalidConfigurationException e = invalid(network(tier("local"), tier("cloud",
                provider("infura", "https://mainnet.infura.io/v3/x").with(p -> p.weight = 1001))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[1].providers[0].weight");
        assertThat(e.getMessage()).contains("1001");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "mainnet.infura.io/v3/" + SECRET,
        "htps://mainnet.infura.io/v3/" + SECRET,
        "ftp://mainnet.infura.io/v3/" + SECRET,
        "https:///v3/" + SECRET,
        "https://mainnet infura.io/v3/" + SECRET,
        "https://mainnet.infura.io:port/v3/" + SECRET,
        "https://mainnet.infura.io/v3/" + SECRET + "/{bad}",
        "ws://mainnet.infura.io/v3/" + SECRET,
        "http//127.0.0.1:8545/" + SECRET
    })
    void malformedUrlIsRefusedWithoutShowingTheUrl(String url) {
        InvalidConfigurationException e = invalid(network(tier("cloud",
                provider("ok", "https://rpc.example.com"), provider("infura", url))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[0].providers[1].url");
        assertThat(e.getMessage()).contains("malformed URL").doesNotContain(SECRET).doesNotContain(url);
        assertThat(e.toString()).doesNotContain(SECRET);
        assertThat(e.getCause()).isNull();
    }

    @Test
    void malformedUrlBuiltFromAnApiKeyIsRefusedWithoutShowingTheKey() {
        InvalidConfigurationException e = invalid(network(tier("cloud",
                provider("infura", "htps://mainnet.infura.io/v3/{api-key}").with(p -> p.apiKey = SECRET))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[0].providers[0].url");
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void malformedWsUrlIsRefusedWithoutShowingIt() {
        InvalidConfigurationException e = invalid(network(tier("cloud",
                provider("alchemy", "https://eth-mainnet.g.alchemy.com/v2/{api-key}").with(p -> {
                    p.apiKey = SECRET;
                    p.wsUrl = "https://eth-mainnet.g.alchemy.com/v2/{api-key}";
                }))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[0].providers[0].ws-url");
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void unknownStrategyIsRefusedListingTheValidOnes() {
        InvalidConfigurationException e = invalid(seed().with(n -> n.strategy = "fastest"));

        assertThat(e.key()).isEqualTo(NET + ".strategy");
        assertThat(e.getMessage()).contains("'fastest'")
                .contains("priority-weighted").contains("round-robin").contains("least-connections");
    }

    @Test
    void networkWithoutTiersIsRefused() {
        assertThat(invalid(network().with(n -> n.tiers = null)).key()).isEqualTo(NET + ".tiers");
        assertThat(invalid(network()).key()).isEqualTo(NET + ".tiers");
        assertThat(invalid(network(tier("local"))).key()).isEqualTo(NET + ".tiers");
    }

    @Test
    void networkWhoseProvidersAreAllLeftOutIsRefused() {
        InvalidConfigurationException e = invalid(network(
                tier("local", provider("erigon", ""), provider("geth", null)),
                tier("cloud", provider("infura", "https://mainnet.infura.io/v3/{api-key}"))));

        assertThat(e.key()).isEqualTo(NET + ".tiers");
        assertThat(e.getMessage()).contains("no provider");
    }

    @Test
    void networkWhoseTiersAreAllDisabledIsRefused() {
        InvalidConfigurationException e = invalid(network(
                tier("local", provider("erigon", "http://127.0.0.1:8545")).with(t -> t.enabled = false)));

        assertThat(e.key()).isEqualTo(NET + ".tiers");
    }

    @Test
    void unknownDefaultNetworkIsRefused() {
        Map<String, NetworkProperties> networks = new LinkedHashMap<>();
        networks.put("ethereum", seed().build());
        networks.put("arbitrum", seed().build());

        InvalidConfigurationException e = invalid(props("mainnet", networks));

        assertThat(e.key()).isEqualTo("tiergate.default-network");
        assertThat(e.getMessage()).contains("'mainnet'").contains("ethereum").contains("arbitrum");
    }

    @Test
    void noNetworkAtAllIsRefused() {
        assertThat(invalid(props("ethereum", null)).key()).isEqualTo("tiergate.networks");
        assertThat(invalid(props("ethereum", Map.of())).key()).isEqualTo("tiergate.networks");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1S", "PT-0.001S"})
    void zeroOrNegativeDurationsAreRefusedNamingTheirKey(String text) {
        Duration d = Duration.parse(text);

        assertThat(invalid(seed().with(n -> n.requestTimeout = d)).key()).isEqualTo(NET + ".request-timeout");
        assertThat(invalid(seed().with(n -> n.timeout = d)).key()).isEqualTo(NET + ".timeout");
        assertThat(invalid(seed().with(n -> n.healthCheckInterval = d)).key())
                .isEqualTo(NET + ".health-check-interval");
        assertThat(invalid(seed().with(n -> n.circuitBreaker = new CircuitBreakerProperties(true, 3, d))).key())
                .isEqualTo(NET + ".circuit-breaker.open-duration");
        assertThat(invalid(seed().with(n -> n.rateLimitBackoff =
                new RateLimitBackoffProperties(true, d, Duration.ofSeconds(900)))).key())
                .isEqualTo(NET + ".rate-limit-backoff.initial");
        assertThat(invalid(seed().with(n -> n.rateLimitBackoff =
                new RateLimitBackoffProperties(true, Duration.ofSeconds(60), d))).key())
                .isEqualTo(NET + ".rate-limit-backoff.max");
        assertThat(invalid(network(tier("local", provider("a", "http://127.0.0.1:1"),
                provider("b", "http://127.0.0.1:2").with(p -> p.timeout = d)))).key())
                .isEqualTo(NET + ".tiers[0].providers[1].timeout");
        assertThat(invalid(network(tier("local",
                provider("a", "http://127.0.0.1:1").with(p -> p.healthCheckInterval = d)))).key())
                .isEqualTo(NET + ".tiers[0].providers[0].health-check-interval");
        assertThat(invalid(network(tier("local",
                provider("a", "http://127.0.0.1:1").with(p -> p.rateLimit = new QuotaProperties(10L, d))))).key())
                .isEqualTo(NET + ".tiers[0].providers[0].rate-limit.period");
    }

    @Test
    void backoffMaxBelowInitialIsRefused() {
        InvalidConfigurationException e = invalid(seed().with(n -> n.rateLimitBackoff =
                new RateLimitBackoffProperties(true, Duration.ofSeconds(60), Duration.ofSeconds(30))));

        assertThat(e.key()).isEqualTo(NET + ".rate-limit-backoff.max");
    }

    @Test
    void countsBelowOneAreRefusedNamingTheirKey() {
        assertThat(invalid(seed().with(n -> n.maxAttempts = 0)).key()).isEqualTo(NET + ".max-attempts");
        assertThat(invalid(seed().with(n -> n.maxFailures = 0)).key()).isEqualTo(NET + ".max-failures");
        assertThat(invalid(seed().with(n -> n.circuitBreaker =
                new CircuitBreakerProperties(true, 0, Duration.ofSeconds(60)))).key())
                .isEqualTo(NET + ".circuit-breaker.failure-threshold");
        assertThat(invalid(network(tier("local", provider("a", "http://127.0.0.1:1").with(p -> p.maxFailures = -1))))
                .key()).isEqualTo(NET + ".tiers[0].providers[0].max-failures");
        assertThat(invalid(seed().with(n -> n.chainId = -1L)).key()).isEqualTo(NET + ".chain-id");
    }

    @Test
    void rateLimitWithoutRequestsIsRefused() {
        InvalidConfigurationException missing = invalid(network(tier("cloud", provider("infura", "https://rpc.example.com")
                .with(p -> p.rateLimit = new QuotaProperties(null, Duration.ofDays(1))))));
        InvalidConfigurationException zero = invalid(network(tier("cloud", provider("infura", "https://rpc.example.com")
                .with(p -> p.rateLimit = new QuotaProperties(0L, Duration.ofDays(1))))));

        assertThat(missing.key()).isEqualTo(NET + ".tiers[0].providers[0].rate-limit.requests");
        assertThat(zero.key()).isEqualTo(NET + ".tiers[0].providers[0].rate-limit.requests");
    }

    @Test
    void rateLimitWithoutPeriodIsRefused() {
        InvalidConfigurationException e = invalid(network(tier("cloud", provider("infura", "https://rpc.example.com")
                .with(p -> p.rateLimit = new QuotaProperties(100L, null)))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[0].providers[0].rate-limit.period");
    }

    @Test
    void emptyRateLimitMeansNoQuota() {
        NetworkDefinition ethereum = resolveOne(network(tier("cloud", provider("infura", "https://rpc.example.com")
                .with(p -> p.rateLimit = new QuotaProperties(null, null)))));

        assertThat(find(ethereum, "infura").quota()).isNull();
    }

    @Test
    void topLevelLimitsAreChecked() {
        Map<String, NetworkProperties> networks = Map.of("ethereum", seed().build());
        DataSize fiveMb = DataSize.ofMegabytes(5);
        TiergateProperties zeroBatch = new TiergateProperties("ethereum", networks, 0, 100, fiveMb, fiveMb, true);
        TiergateProperties zeroRequest = new TiergateProperties("ethereum", networks, 100, 100, DataSize.ofBytes(0), fiveMb,
                true);
        TiergateProperties zeroResponse = new TiergateProperties("ethereum", networks, 100, 100, fiveMb,
                DataSize.ofBytes(0), true);
        TiergateProperties zeroChunk = new TiergateProperties("ethereum", networks, 100, 0, fiveMb, fiveMb, true);

        assertThat(invalid(zeroBatch).key()).isEqualTo("tiergate.max-batch-size");
        assertThat(invalid(zeroChunk).key()).isEqualTo("tiergate.upstream-batch-size");
        assertThat(invalid(zeroRequest).key()).isEqualTo("tiergate.max-request-size");
        assertThat(invalid(zeroResponse).key()).isEqualTo("tiergate.max-response-size");
    }

    // --- providers left out, api keys, endpoints, disabled tiers ---------------------------------

    @Test
    void providerWithEmptyUrlIsLeftOut() {
        NetworkDefinition ethereum = resolveOne(network(
                tier("local", provider("erigon_local", "http://127.0.0.1:8545"), provider("geth_local", ""),
                        provider("nethermind", "   "), provider("reth", null)),
                tier("cloud", provider("quicknode_primary", ""))));

        assertThat(names(ethereum)).containsExactly("erigon_local");
        assertThat(ethereum.tiers()).extracting(TierDefinition::name).containsExactly("local");
    }

    @Test
    void tierWhoseProvidersAreAllLeftOutIsDroppedAndLowerTiersMoveUp() {
        NetworkDefinition ethereum = resolveOne(network(
                tier("local", provider("erigon_local", "")),
                tier("cloud", provider("infura", "https://mainnet.infura.io/v3/x"))));

        assertThat(ethereum.tiers()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("cloud");
            assertThat(t.priority()).isZero();
        });
    }

    @Test
    void apiKeyUrlWithoutApiKeyIsLeftOut() {
        NetworkDefinition ethereum = resolveOne(network(tier("cloud",
                provider("infura_primary", "https://mainnet.infura.io/v3/{api-key}").with(p -> p.apiKey = ""),
                provider("alchemy_primary", "https://eth-mainnet.g.alchemy.com/v2/{api-key}").with(p -> p.apiKey = "  "),
                provider("other", "https://x.example.com/{api-key}"),
                provider("public", "https://ethereum-rpc.publicnode.com"))));

        assertThat(names(ethereum)).containsExactly("public");
    }

    @Test
    void apiKeyIsFilledIntoTheUrlAndRedactedWhereverTheProviderIsShown() {
        NetworkDefinition ethereum = resolveOne(network(tier("cloud",
                provider("infura_primary", "https://mainnet.infura.io/v3/{api-key}").with(p -> {
                    p.apiKey = SECRET;
                    p.wsUrl = "wss://mainnet.infura.io/ws/v3/{api-key}";
                    p.headers = Map.of("Authorization", "Bearer " + SECRET);
                }),
                provider("short_key", "https://rpc.example.com/v1/{api-key}/eth").with(p -> p.apiKey = "k9z"))));

        ProviderDefinition infura = find(ethereum, "infura_primary");
        assertThat(infura.url()).isEqualTo(URI.create("https://mainnet.infura.io/v3/" + SECRET));
        assertThat(infura.wsUrl()).isEqualTo(URI.create("wss://mainnet.infura.io/ws/v3/" + SECRET));
        assertThat(infura.redactedUrl()).isEqualTo("https://mainnet.infura.io/v3/***");
        ProviderDefinition shortKey = find(ethereum, "short_key");
        assertThat(shortKey.url().toString()).isEqualTo("https://rpc.example.com/v1/k9z/eth");
        assertThat(shortKey.redactedUrl()).isEqualTo("https://rpc.example.com/v1/***/eth");
        assertThat(infura.toString()).doesNotContain(SECRET);
        assertThat(ethereum.toString()).doesNotContain(SECRET).doesNotContain("k9z");
    }

    @Test
    void hostNamesWithUnderscoresAsDockerComposeGivesThemAreAccepted() {
        NetworkDefinition ethereum = resolveOne(network(tier("local", provider("erigon_local", "http://erigon_node:8545"))));

        ProviderDefinition erigon = ethereum.tiers().get(0).providers().get(0);
        assertThat(erigon.url().toString()).isEqualTo("http://erigon_node:8545");
        assertThat(erigon.redactedUrl()).isEqualTo("http://erigon_node:8545");
    }

    @Test
    void endpointsReplaceTheTiersProviders() {
        NetworkDefinition ethereum = resolveOne(network(
                tier("local", provider("erigon_local", "http://127.0.0.1:8545")),
                tier("public", provider("publicnode_eth", "https://ethereum-rpc.publicnode.com"),
                        provider("llama_eth", "https://eth.llamarpc.com")).with(t -> {
                            t.endpoints = List.of(" https://rpc.one.example ", "https://rpc.two.example/eth");
                            t.endpointWeight = 20;
                        })));

        TierDefinition pub = ethereum.tiers().get(1);
        assertThat(pub.name()).isEqualTo("public");
        assertThat(pub.providers()).extracting(ProviderDefinition::name).containsExactly("public_1", "public_2");
        assertThat(pub.providers()).extracting(ProviderDefinition::weight).containsExactly(20, 20);
        assertThat(pub.providers()).extracting(p -> p.url().toString())
                .containsExactly("https://rpc.one.example", "https://rpc.two.example/eth");
    }

    @Test
    void blankEndpointsLeaveTheTiersProvidersInPlace() {
        NetworkDefinition ethereum = resolveOne(network(tier("public",
                provider("publicnode_eth", "https://ethereum-rpc.publicnode.com")).with(t -> t.endpoints = List.of("", " "))));

        assertThat(names(ethereum)).containsExactly("publicnode_eth");
    }

    @Test
    void malformedEndpointNamesTheEndpointEntry() {
        InvalidConfigurationException e = invalid(network(tier("public").with(t ->
                t.endpoints = List.of("https://rpc.one.example", "htps://rpc.two.example/" + SECRET))));

        assertThat(e.key()).isEqualTo(NET + ".tiers[0].endpoints[1]");
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void invalidEndpointWeightNamesTheEndpointWeightKey() {
        InvalidConfigurationException e = invalid(network(tier("public").with(t -> {
            t.endpoints = List.of("https://rpc.one.example");
            t.endpointWeight = -5;
        })));

        assertThat(e.key()).isEqualTo(NET + ".tiers[0].endpoint-weight");
    }

    @Test
    void disabledTierIsLeftOut() {
        NetworkDefinition ethereum = resolveOne(network(
                tier("local", provider("erigon_local", "http://127.0.0.1:8545")),
                tier("cloud", provider("infura", "https://mainnet.infura.io/v3/x")).with(t -> t.enabled = false),
                tier("public", provider("publicnode_eth", "https://ethereum-rpc.publicnode.com"))));

        assertThat(ethereum.tiers()).extracting(TierDefinition::name).containsExactly("local", "public");
        assertThat(ethereum.tiers()).extracting(TierDefinition::priority).containsExactly(0, 1);
        assertThat(names(ethereum)).doesNotContain("infura");
    }

    @Test
    void disabledTierIsNotValidated() {
        NetworkDefinition ethereum = resolveOne(network(
                tier("local", provider("erigon_local", "http://127.0.0.1:8545")),
                tier("public", provider("broken", "not a url").with(p -> p.weight = -1)).with(t -> t.enabled = false)));

        assertThat(names(ethereum)).containsExactly("erigon_local");
    }

    @Test
    void methodListsAreCarriedOver() {
        NetworkDefinition ethereum = resolveOne(seed().with(n -> {
            n.allowMethods = List.of("admin_nodeInfo");
            n.denyMethods = List.of("debug_*");
        }));
        NetworkDefinition unset = resolveOne(seed());

        assertThat(ethereum.allowMethods()).containsExactly("admin_nodeInfo");
        assertThat(ethereum.denyMethods()).containsExactly("debug_*");
        assertThat(unset.allowMethods()).isEmpty();
        assertThat(unset.denyMethods()).isEmpty();
    }

    // --- request paths: broadcast, hedging, cache, method routing --------------------------------

    @Test
    void requestPathsDefaultToBroadcastInTierCacheAndCoalescingWithoutHedging() {
        RequestPaths paths = resolveOne(seed()).paths();

        assertThat(paths.broadcastMode()).isEqualTo(BroadcastMode.ALL_IN_TIER);
        assertThat(paths.broadcastExtraProviders()).isEmpty();
        assertThat(paths.hedge().enabled()).isFalse();
        assertThat(paths.cache().enabled()).isTrue();
        assertThat(paths.cache().confirmations()).isEqualTo(12);
        assertThat(paths.coalescing()).isTrue();
        assertThat(paths.localAnswers()).isTrue();
        assertThat(paths.methodNotFoundTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(find(resolveOne(seed()), "geth_local").methods())
                .isEqualTo(new MethodLists(List.of(), List.of()));
    }

    @Test
    void broadcastModeAndExtraProvidersOfAnyTierAreResolved() {
        RequestPaths paths = resolveOne(seed().with(n -> n.broadcast = new BroadcastProperties("First_Success",
                List.of("publicnode_eth", " geth_local", "publicnode_eth")))).paths();

        assertThat(paths.broadcastMode()).isEqualTo(BroadcastMode.FIRST_SUCCESS);
        assertThat(paths.broadcastExtraProviders()).containsExactly("publicnode_eth", "geth_local");
    }

    @Test
    void unknownBroadcastModeNamesTheKeyAndTheModes() {
        InvalidConfigurationException e = invalid(seed().with(n -> n.broadcast = new BroadcastProperties("everywhere", null)));
        assertThat(e.key()).isEqualTo(NET + ".broadcast.mode");
        assertThat(e.getMessage()).contains("everywhere").contains("all-in-tier, first-success, single");
    }

    @Test
    void extraProviderMustBeAProviderOfTheNetwork() {
        InvalidConfigurationException e = invalid(seed().with(n -> n.broadcast = new BroadcastProperties("all-in-tier",
                List.of("geth_local", "flashbots_relay"))));
        assertThat(e.key()).isEqualTo(NET + ".broadcast.extra-providers[1]");
        assertThat(e.getMessage()).contains("no provider 'flashbots_relay' in network ethereum")
                .contains("erigon_local, geth_local");
    }

    @Test
    void extraProviderLeftOutForAnEmptyUrlIsLeftOutOfBroadcastsToo() {
        // alchemy_primary has no api-key in the seed, so it is left out of the network.
        RequestPaths paths = resolveOne(seed().with(n -> n.broadcast = new BroadcastProperties("all-in-tier",
                List.of("alchemy_primary", "infura_primary")))).paths();
        assertThat(paths.broadcastExtraProviders()).containsExactly("infura_primary");
    }

    @Test
    void hedgeSettingsAreValidatedWithTheirKeys() {
        assertThat(invalid(seed().with(n -> n.hedge = new HedgeProperties(true, Duration.ZERO, null, 10))).key())
                .isEqualTo(NET + ".hedge.delay");
        InvalidConfigurationException quantile = invalid(seed().with(n -> n.hedge =
                new HedgeProperties(true, Duration.ofMillis(50), 1.5, 10)));
        assertThat(quantile.key()).isEqualTo(NET + ".hedge.quantile");
        assertThat(quantile.getMessage()).contains("between 0 and 1").contains("1.5");
        assertThat(invalid(seed().with(n -> n.hedge = new HedgeProperties(true, Duration.ofMillis(50), 0.0, 10))).key())
                .isEqualTo(NET + ".hedge.quantile");
        assertThat(invalid(seed().with(n -> n.hedge = new HedgeProperties(true, Duration.ofMillis(50), 0.9, 0))).key())
                .isEqualTo(NET + ".hedge.max-in-flight");
        HedgeProperties valid = new HedgeProperties(true, Duration.ofMillis(50), 0.9, 4);
        assertThat(resolveOne(seed().with(n -> n.hedge = valid)).paths().hedge())
                .isEqualTo(new RequestPaths.Hedge(true, Duration.ofMillis(50), 0.9, 4));
    }

    @Test
    void cacheSizeAndDepthAreValidatedWithTheirKeys() {
        assertThat(invalid(seed().with(n -> n.cache = new CacheProperties(true, DataSize.ofBytes(0), 12))).key())
                .isEqualTo(NET + ".cache.max-size");
        assertThat(invalid(seed().with(n -> n.cache = new CacheProperties(true, DataSize.ofMegabytes(1), -1))).key())
                .isEqualTo(NET + ".cache.confirmations");
        assertThat(invalid(seed().with(n -> n.methodNotFoundTtl = Duration.ofSeconds(-1))).key())
                .isEqualTo(NET + ".method-not-found-ttl");
        assertThat(resolveOne(seed().with(n -> n.methodNotFoundTtl = Duration.ZERO)).paths().methodNotFoundTtl())
                .isZero();
    }

    @Test
    void providerMethodGlobsAreKeptAndAnEmptyOneNamesItsKey() {
        NetworkDefinition ethereum = resolveOne(network(tier("local",
                provider("erigon_local", "http://127.0.0.1:8545").with(p -> p.methods =
                        new MethodsProperties(List.of(" trace_*", "eth_*"), null)),
                provider("geth_local", "http://127.0.0.1:8549").with(p -> p.methods =
                        new MethodsProperties(null, List.of("trace_*"))))));
        assertThat(find(ethereum, "erigon_local").methods()).isEqualTo(
                new MethodLists(List.of("trace_*", "eth_*"), List.of()));
        assertThat(find(ethereum, "geth_local").methods()).isEqualTo(new MethodLists(List.of(), List.of("trace_*")));

        InvalidConfigurationException e = invalid(network(tier("local",
                provider("erigon_local", "http://127.0.0.1:8545").with(p -> p.methods =
                        new MethodsProperties(List.of("trace_*", " "), null)))));
        assertThat(e.key()).isEqualTo(NET + ".tiers[0].providers[0].methods.allow[1]");
    }
}
