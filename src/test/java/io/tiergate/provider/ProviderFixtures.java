package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tiergate.config.NetworkProperties.CircuitBreakerProperties;
import io.tiergate.config.NetworkProperties.RateLimitBackoffProperties;
import io.tiergate.config.ProviderProperties.MethodsProperties;
import io.tiergate.policy.MethodPolicy;
import io.tiergate.routing.RequestPaths;
import io.tiergate.selection.StrategyType;
import io.tiergate.testsupport.MutableClock;
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

    public ProviderFixtures(MutableClock clock) {
        this(clock, new CircuitBreakerProperties(true, 3, Duration.ofSeconds(60)),
                new RateLimitBackoffProperties(true, Duration.ofSeconds(60), Duration.ofSeconds(900)));
    }

    public ProviderFixtures(MutableClock clock, CircuitBreakerProperties breaker, RateLimitBackoffProperties backoff) {
        this.clock = clock;
        this.network = new NetworkDefinition(NETWORK, 1L, StrategyType.PRIORITY_WEIGHTED, Duration.ofSeconds(10), 5, 3,
                breaker, backoff, List.of(), List.of(), List.of(), RequestPaths.DEFAULTS);
        this.factory = new ProviderFactory(clock, Breakers.of(CircuitBreakerRegistry.ofDefaults(), clock),
                MAX_RESPONSE_BYTES, false, FleetLimits.local(clock));
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
        return provider(name, tier, weight, quota, new MethodsProperties(List.of(), List.of()));
    }

    /** A provider with {@code methods.allow} / {@code methods.deny}. */
    public Provider provider(String name, String tier, int weight, Quota.Spec quota, MethodsProperties methods) {
        URI url = URI.create("http://127.0.0.1:1/");
        ProviderDefinition definition = new ProviderDefinition(name, NETWORK, tier, url, url.toString(), null, weight,
                Duration.ofSeconds(5), 3, Duration.ofSeconds(30), Map.of(), quota, methods);
        Provider provider = factory.create(network, definition);
        created.add(provider);
        return provider;
    }

    /** A network whose tiers (in priority order) all use {@code strategy}. */
    public Network network(StrategyType strategy, TierSpec... tiers) {
        List<Tier> built = new ArrayList<>();
        for (int i = 0; i < tiers.length; i++) {
            built.add(new Tier(tiers[i].name(), i, strategy.newStrategy(), tiers[i].providers()));
        }
        return new Network(network, built, new MethodPolicy(List.of(), List.of()));
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
        p.onFailure(1_000_000, "test failure", true);
    }

    /** A call that held a breaker permit and succeeded. */
    public static void succeed(Provider p) {
        if (!p.tryAcquirePermission()) {
            throw new IllegalStateException(p.name() + ": breaker refused the call");
        }
        p.onSuccess(1_000_000, true);
    }

    /** A call that held a breaker permit and was rate-limited (no Retry-After). */
    public static Duration rateLimit(Provider p) {
        return rateLimit(p, null);
    }

    public static Duration rateLimit(Provider p, Duration retryAfter) {
        if (!p.tryAcquirePermission()) {
            throw new IllegalStateException(p.name() + ": breaker refused the call");
        }
        return p.onRateLimited(retryAfter, true);
    }

    @Override
    public void close() {
        created.forEach(factory::dispose);
    }
}
