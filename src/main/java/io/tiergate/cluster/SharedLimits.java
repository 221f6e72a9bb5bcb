package io.tiergate.cluster;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.FleetLimits;
import io.tiergate.provider.ProviderDefinition;
import io.tiergate.provider.Quota;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits the fleet keeps together. A provider's quota is one Bucket4j bucket in Redis that every replica spends
 * from, in batches ({@link SharedBudget}); a rate limit seen by one replica is written with the rest's length as
 * its time to live and published, so every replica rests the provider too ({@link FleetRests} applies it).
 */
public final class SharedLimits implements FleetLimits {

    private final RedisLink link;
    private final Clock clock;
    private final String replica;
    private final int batch;
    private final MeterRegistry meters;
    private final Duration patience;
    private static final String RESERVED = "tiergate.cluster.quota.reserved";
    private final Map<String, SharedBudget> budgets = new ConcurrentHashMap<>();
    private volatile AsyncProxyManager<String> buckets;
    private volatile int replicas = 1;

    public SharedLimits(RedisLink link, Clock clock, String replica, int batch, Duration patience, MeterRegistry meters) {
        this.link = link;
        this.patience = patience;
        this.clock = clock;
        this.replica = replica;
        this.batch = Math.max(1, batch);
        this.meters = meters;
    }

    @Override
    public Quota quota(ProviderDefinition provider) {
        if (provider.quota() == null) {
            return Quota.counted(null, null);
        }
        String field = field(provider);
        SharedBudget budget = new SharedBudget(this, link.key("quota:" + field), provider.quota(),
                configuration(provider.quota()), meters.counter(RESERVED, "network", provider.network(), "provider",
                        provider.name()));
        budgets.put(field, budget);
        budget.reserveFirst(patience);
        return Quota.counted(provider.quota(), budget);
    }

    /** A provider left its network: its budget and its counter go with it (the fleet's bucket expires in Redis). */
    void forget(ProviderDefinition provider) {
        budgets.remove(field(provider));
        Counter reserved = meters.find(RESERVED).tag("network", provider.network()).tag("provider", provider.name())
                .counter();
        if (reserved != null) {
            meters.remove(reserved);
        }
    }

    @Override
    public void rested(ProviderDefinition provider, Duration rest) {
        if (rest.isZero() || rest.isNegative()) {
            return;
        }
        try {
            var commands = link.strings().async();
            String field = field(provider);
            commands.set(link.key("rest:" + field), replica, SetArgs.Builder.px(rest.toMillis()));
            commands.publish(restChannel(), FleetRests.message(field, rest, replica))
                    .whenComplete((receivers, error) -> {
                        if (error != null) {
                            link.failed(error);
                        }
                    });
        } catch (RuntimeException e) {
            link.failed(e);
        }
    }

    @Override
    public void reinstated(ProviderDefinition provider) {
        try {
            link.strings().sync().del(link.key("rest:" + field(provider)));
        } catch (RuntimeException e) {
            link.failed(e);
        }
    }

    String restChannel() {
        return link.key("rest-changes");
    }

    /** The number of live replicas, as last counted: a replica alone spends this share of a budget. */
    public int replicas() {
        return replicas;
    }

    void replicas(int counted) {
        replicas = Math.max(1, counted);
    }

    /** Refreshes what each fleet budget has left (views, metrics, alerts); in the background. */
    void refreshLeft() {
        budgets.values().forEach(SharedBudget::refreshLeft);
    }

    /** After Redis returns: budgets spend from the fleet's buckets again. */
    void rejoin() {
        budgets.values().forEach(SharedBudget::rejoin);
    }

    /** The fleet's bucket for {@code key}, or null while Redis has never been reached. */
    AsyncBucketProxy bucket(String key, BucketConfiguration configuration) {
        AsyncProxyManager<String> manager = buckets;
        if (manager == null) {
            StatefulRedisConnection<String, byte[]> connection = link.bytes();
            if (connection == null) {
                return null;
            }
            manager = Bucket4jLettuce.casBasedBuilder(connection)
                    .clientClock(Quota.timeMeter(clock))
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                            Duration.ofMinutes(1)))
                    .build()
                    .asAsync();
            buckets = manager;
        }
        return manager.builder().build(key, () -> CompletableFuture.completedFuture(configuration));
    }

    /** The fleet's bucket of a budget: the same limit as a bucket of this replica's own. */
    static BucketConfiguration configuration(Quota.Spec spec) {
        return BucketConfiguration.builder().addLimit(Quota.limit(spec.requests(), spec.period())).build();
    }

    RedisLink link() {
        return link;
    }

    Clock clock() {
        return clock;
    }

    int batch() {
        return batch;
    }

    private static String field(ProviderDefinition provider) {
        return provider.network() + "/" + provider.name();
    }
}
