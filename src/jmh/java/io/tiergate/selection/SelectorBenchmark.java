package io.tiergate.selection;

import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.ProviderFixtures;
import io.tiergate.provider.StrategyType;
import io.tiergate.provider.Tier;
import io.tiergate.testsupport.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One provider selection over 3 tiers, real providers (breaker, backoff, quota, health) as the
 * factory builds them. {@code firstTier}: every provider healthy, the first tier serves.
 * {@code lastTier}: the providers of the first two tiers were already tried by this request, so the
 * selector walks every tier, the worst case of a failover. {@code providersPerTier} shows how the
 * cost grows with the size of a tier.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectorBenchmark {

    @Param({"priority-weighted", "round-robin", "least-connections"})
    public String strategy;

    @Param({"3", "9"})
    public int providersPerTier;

    private ProviderFixtures fixtures;
    private Network network;
    private Selector selector;
    private SelectionContext fresh;
    private SelectionContext failedOver;

    @Setup(Level.Trial)
    public void setUp() {
        fixtures = new ProviderFixtures(new MutableClock());
        String[] tiers = {"local", "cloud", "public"};
        ProviderFixtures.TierSpec[] specs = new ProviderFixtures.TierSpec[tiers.length];
        for (int t = 0; t < tiers.length; t++) {
            Provider[] providers = new Provider[providersPerTier];
            for (int i = 0; i < providersPerTier; i++) {
                providers[i] = fixtures.provider(tiers[t] + "_" + i, tiers[t], 100 - 10 * i);
                // A recent success, as under traffic: the health score takes its bonus branch.
                ProviderFixtures.succeed(providers[i]);
            }
            specs[t] = ProviderFixtures.tier(tiers[t], providers);
        }
        network = fixtures.network(StrategyType.fromConfig(strategy), specs);
        selector = new Selector(fixtures.clock());
        fresh = SelectionContext.excluding(p -> false);
        List<Provider> tried = new ArrayList<>();
        for (Tier tier : network.tiers().subList(0, 2)) {
            tried.addAll(tier.providers());
        }
        failedOver = SelectionContext.excluding(tried::contains);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixtures.close();
    }

    @Benchmark
    public Choice firstTier() {
        return selector.select(network, fresh);
    }

    @Benchmark
    public Choice lastTier() {
        return selector.select(network, failedOver);
    }
}
