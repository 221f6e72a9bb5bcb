package io.tiergate.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiergate.provider.Quota;
import io.tiergate.testsupport.RedisNode;
import java.time.Clock;
import java.time.Duration;
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
 * What a quota costs on the request path: a provider's budget counted by this replica alone (a Bucket4j bucket)
 * against one the fleet shares through a real Redis (tokens reserved in batches in the background). The shared
 * path never waits on Redis; {@code batch} shows how the reservation size matters when one replica spends fast.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class QuotaLedgerBenchmark {

    private static final Quota.Spec BUDGET = new Quota.Spec(1_000_000_000_000L, Duration.ofHours(1));

    @Param({"10", "1000"})
    int batch;

    private RedisNode redis;
    private RedisLink link;
    private Quota alone;
    private SharedBudget shared;

    @Setup(Level.Trial)
    public void start() {
        redis = RedisNode.start();
        Clock clock = Clock.systemUTC();
        link = new RedisLink(new ClusterProperties.Redis(redis.url(), null, Duration.ofMillis(500)), "bench", clock);
        link.connect();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SharedLimits fleet = new SharedLimits(link, clock, "bench", batch, Duration.ofMillis(500), meters);
        shared = new SharedBudget(fleet, link.key("quota:bench"), BUDGET, SharedLimits.configuration(BUDGET),
                meters.counter("reserved"));
        shared.topUp();
        alone = Quota.of(BUDGET, clock);
    }

    @TearDown(Level.Trial)
    public void stop() {
        link.close();
        redis.close();
    }

    @Benchmark
    public boolean aloneTryConsume() {
        return alone.tryConsume(1);
    }

    @Benchmark
    public boolean sharedTryConsume() {
        return shared.tryConsume(1);
    }
}
