package io.tiergate.cluster;

import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import lombok.extern.slf4j.Slf4j;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The replica's regular round with Redis, every {@code tiergate.cluster.sync}: say it is alive and count the
 * replicas, read the shared overrides and rests, push audit entries and write back changes made while Redis was
 * unreachable. The first round runs before the replica reports ready, so it starts with the fleet's overrides.
 * Changes arrive at once by publish/subscribe; this round is what repairs whatever a disconnection missed.
 */
@Slf4j
public final class ClusterSync implements AutoCloseable {

    // KEYS: replicas sorted set. ARGV: replica, time to live in ms. Scores are Redis's own clock, so replicas'
    // clocks need not agree. Returns the number of replicas seen alive.
    private static final String HEARTBEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
            return redis.call('ZCARD', KEYS[1])
            """;

    private final RedisLink link;
    private final RedisOverrideStore store;
    private final SharedAuditLog audit;
    private final SharedLimits limits;
    private final FleetRests rests;
    private final String replica;
    private final String replicasKey;
    private final long aliveMillis;
    private final Counter ok;
    private final Counter failed;
    private final Scheduler thread = Schedulers.newSingle("tiergate-cluster-sync", true);
    private final Disposable rounds;

    ClusterSync(RedisLink link, RedisOverrideStore store, SharedAuditLog audit, SharedLimits limits, FleetRests rests,
            String replica, Duration every, MeterRegistry meters) {
        this.link = link;
        this.store = store;
        this.audit = audit;
        this.limits = limits;
        this.rests = rests;
        this.replica = replica;
        this.replicasKey = link.key("replicas");
        this.aliveMillis = Math.max(5000, every.toMillis() * 3);
        this.ok = meters.counter("tiergate.cluster.syncs", "result", "ok");
        this.failed = meters.counter("tiergate.cluster.syncs", "result", "failed");
        round();
        this.rounds = Flux.interval(every, every, thread).subscribe(t -> round());
    }

    /** One round; never throws (a failed round leaves the replica serving alone until the next). */
    void round() {
        boolean wasReachable = link.reachable();
        if (!link.connect()) {
            failed.increment();
            return;
        }
        try {
            Long replicas = link.strings().sync().eval(HEARTBEAT, ScriptOutputType.INTEGER, new String[] {replicasKey},
                    replica, Long.toString(aliveMillis));
            limits.replicas(replicas == null ? 1 : replicas.intValue());
            store.sync();
            audit.flush();
            rests.sync();
            limits.refreshLeft();
            link.succeeded();
            ok.increment();
            if (!wasReachable) {
                limits.rejoin();
                log.info("Cluster store {} reachable: overrides, audit trail and rate-limit rests synchronised; {} "
                        + "replica(s) alive", link.where(), limits.replicas());
            }
        } catch (RuntimeException e) {
            link.failed(e);
            failed.increment();
        }
    }

    @Override
    public void close() {
        rounds.dispose();
        thread.dispose();
        try {
            link.strings().sync().zrem(replicasKey, replica);
        } catch (RuntimeException e) {
            // leaving while Redis is gone: the entry expires by itself
        }
    }
}
