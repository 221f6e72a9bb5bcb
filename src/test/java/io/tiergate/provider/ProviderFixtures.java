package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tiergate.policy.MethodLists;
import io.tiergate.policy.MethodPolicy;
import io.tiergate.testsupport.MutableClock;
import io.tiergate.upstream.Outcome;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real {@link Provider}s for unit tests, built by the real {@link ProviderFactory} from real
 * definitions. Their URLs point at 127.0.0.1:1 and no test calls them. Close to dispose them.
 */
public final class ProviderFixtures implements AutoCloseable {

    public static final String NETWORK = "ethereum";
    private static final long MAX_RESPONSE_BYTES = 128L << 20;

    private final MutableClock clock;
    private final NetworkDefinition network;
    private final ProviderFactory factory;
    private final List<Provider> created = new ArrayList<>();
    private final List<ProviderStateChange> changes = new ArrayList<>();

    public ProviderFixtures(MutableClock clock) {
        this(clock, new CircuitBreakerSettings(true, 3, Duration.ofSeconds(60)),
                new BackoffSettings(true, Duration.ofSeconds(60), Duration.ofSeconds(900)));
    }

    public ProviderFixtures(MutableClock clock, CircuitBreakerSettings breaker, BackoffSettings backoff) {
        this.clock = clock;
        this.network = new NetworkDefinition(NETWORK, 1L, StrategyType.PRIORITY_WEIGHTED, Duration.ofSeconds(10), 5, 3,
                breaker, backoff, List.of(), List.of(), List.of(), RequestPaths.DEFAULTS);
        this.factory = new ProviderFactory(clock, Breakers.of(CircuitBreakerRegistry.ofDefaults(), clock),
                MAX_RESPONSE_BYTES, false, FleetLimits.local(clock));
    }

    /** Every state change of the providers made here, in order. */
    public List<ProviderStateChange> changes() {
        return changes;
    }

    public MutableClock clock() {
        return clock;
    }

    public NetworkDefinition networkDefinition() {
        return network;
    }

    public Provider provider(String name, String tier, int weight) {
        return provider(name, tier, weight, null);
    }

    public Provider provider(String name, String tier, int weight, Quota.Spec quota) {
        return provider(name, tier, weight, quota, new MethodLists(List.of(), List.of()));
    }

    /** A provider with {@code methods.allow} / {@code methods.deny}. */
    public Provider provider(String name, String tier, int weight, Quota.Spec quota, MethodLists methods) {
        URI url = URI.create("http://127.0.0.1:1/");
        ProviderDefinition definition = new ProviderDefinition(name, NETWORK, tier, url, url.toString(), null, weight,
                Duration.ofSeconds(5), 3, Duration.ofSeconds(30), Map.of(), quota, methods);
        Provider provider = factory.create(network, definition, changes::add);
        created.add(provider);
        return provider;
    }

    /** A network whose tiers (in priority order) all use {@code strategy}. */
    public Network network(StrategyType strategy, TierSpec... tiers) {
        List<Tier> built = new ArrayList<>();
        for (int i = 0; i < tiers.length; i++) {
            built.add(new Tier(tiers[i].name(), i, tiers[i].providers()));
        }
        NetworkDefinition d = network;
        NetworkDefinition definition = new NetworkDefinition(d.name(), d.chainId(), strategy, d.requestTimeout(),
                d.maxAttempts(), d.maxLagBlocks(), d.circuitBreaker(), d.rateLimitBackoff(), d.allowMethods(),
                d.denyMethods(), d.tiers(), d.paths());
        return new Network(definition, built, new MethodPolicy(List.of(), List.of()));
    }

    public static TierSpec tier(String name, Provider... providers) {
        return new TierSpec(name, List.of(providers));
    }

    public record TierSpec(String name, List<Provider> providers) {
    }

    // --- outcomes as the router reports them ---------------------------------------------------

    /** A call that held a breaker permit and failed. */
    public static void fail(Provider p) {
        if (!p.tryAcquirePermission()) {
            throw new IllegalStateException(p.name() + ": breaker refused the call");
        }
        p.record(new Outcome.Unreachable("test failure", false), 1_000_000, true);
    }

    /** A call that held a breaker permit and succeeded. */
    public static void succeed(Provider p) {
        if (!p.tryAcquirePermission()) {
            throw new IllegalStateException(p.name() + ": breaker refused the call");
        }
        p.record(Outcome.Answered.INSTANCE, 1_000_000, true);
    }

    /** A call that held a breaker permit and was rate-limited (no Retry-After). */
    public static Duration rateLimit(Provider p) {
        return rateLimit(p, null);
    }

    public static Duration rateLimit(Provider p, Duration retryAfter) {
        if (!p.tryAcquirePermission()) {
            throw new IllegalStateException(p.name() + ": breaker refused the call");
        }
        p.record(new Outcome.RateLimited(retryAfter, "HTTP 429"), 1_000_000, true);
        return p.backoff().remaining();
    }

    @Override
    public void close() {
        created.forEach(factory::dispose);
    }
}
