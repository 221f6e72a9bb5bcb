package io.tiergate.cluster;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.micrometer.core.instrument.Counter;
import io.tiergate.provider.Quota;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One provider's budget as this replica sees it: tokens reserved from the fleet's bucket in batches, spent
 * locally. The request path only takes from what is held; when half a batch is left, the next batch is asked
 * for in the background, so no request waits on Redis. What the fleet reserves never exceeds the budget.
 *
 * <p>While Redis is unreachable the replica spends its own share instead: the budget divided by the replicas
 * last counted, for as long as the outage lasts (counted again from Redis when it returns).
 */
final class SharedBudget implements Quota.Ledger {

    /** How soon to ask again when the fleet's bucket had nothing left, or Redis did not answer. */
    private static final long ASK_AGAIN_MILLIS = 1000;

    private final SharedLimits fleet;
    private final String key;
    private final Quota.Spec spec;
    private final BucketConfiguration configuration;
    private final Counter reserved;
    private final AtomicLong held = new AtomicLong();
    private final AtomicBoolean asking = new AtomicBoolean();
    private volatile long askAgainAt;
    private volatile Bucket alone;
    private volatile AsyncBucketProxy proxy;
    private volatile long fleetLeft = -1;

    SharedBudget(SharedLimits fleet, String key, Quota.Spec spec, BucketConfiguration configuration, Counter reserved) {
        this.fleet = fleet;
        this.key = key;
        this.spec = spec;
        this.configuration = configuration;
        this.reserved = reserved;
    }

    @Override
    public boolean tryConsume(int calls) {
        long h;
        while ((h = held.get()) >= calls) {
            if (held.compareAndSet(h, h - calls)) {
                topUp();
                return true;
            }
        }
        if (!fleet.link().reachable()) {
            return alone().tryConsume(calls);
        }
        topUp();
        return false;
    }

    @Override
    public long available() {
        long h = held.get();
        if (h <= fleet.batch() / 2) {
            topUp();
        }
        if (h == 0 && !fleet.link().reachable()) {
            return alone().getAvailableTokens();
        }
        return h;
    }

    /** Held here plus what the fleet's bucket had left at the last sync (other replicas' held tokens not counted). */
    @Override
    public long left() {
        long h = held.get();
        if (!fleet.link().reachable() && h == 0) {
            return alone().getAvailableTokens();
        }
        return fleetLeft < 0 ? h : h + fleetLeft;
    }

    /**
     * The first batch, waited for (at start-up, or when an operator adds the provider; never on the request path),
     * so a new provider is not passed over as "quota exhausted" for its first requests. Gives up after
     * {@code patience}: the background top-up carries on.
     */
    void reserveFirst(Duration patience) {
        if (!fleet.link().reachable()) {
            return;
        }
        try {
            AsyncBucketProxy bucket = bucket();
            if (bucket == null) {
                return;
            }
            long got = bucket.tryConsumeAsMuchAsPossible(fleet.batch()).get(patience.toMillis(), TimeUnit.MILLISECONDS);
            held.addAndGet(got);
            reserved.increment(got);
            fleetLeft = bucket.getAvailableTokens().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            fleet.link().failed(e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    /** Reads what the fleet's bucket has left, for {@link #left()}; in the background. */
    void refreshLeft() {
        AsyncBucketProxy bucket = bucket();
        if (bucket != null) {
            bucket.getAvailableTokens().whenComplete((tokens, error) -> {
                if (error == null) {
                    fleetLeft = tokens;
                }
            });
        }
    }

    /** Asks the fleet's bucket for a batch when less than half a batch is held and no ask is under way. */
    void topUp() {
        if (held.get() > fleet.batch() / 2 || !fleet.link().reachable()
                || fleet.clock().millis() < askAgainAt || !asking.compareAndSet(false, true)) {
            return;
        }
        AsyncBucketProxy bucket;
        try {
            bucket = bucket();
        } catch (RuntimeException e) {
            fleet.link().failed(e);
            bucket = null;
        }
        if (bucket == null) {
            askLater();
            asking.set(false);
            return;
        }
        bucket.tryConsumeAsMuchAsPossible(fleet.batch()).whenComplete((got, error) -> {
            if (error != null) {
                fleet.link().failed(error);
                askLater();
            } else {
                held.addAndGet(got);
                reserved.increment(got);
                if (got < fleet.batch()) {
                    askLater();
                }
            }
            asking.set(false);
        });
    }

    /** The fleet's bucket had nothing left, or Redis did not answer: no asking for a while. */
    private void askLater() {
        askAgainAt = fleet.clock().millis() + ASK_AGAIN_MILLIS;
    }

    /** Redis is back: the local share of the outage is forgotten and batches come from the fleet again. */
    void rejoin() {
        alone = null;
        askAgainAt = 0;
        topUp();
    }

    /** The proxy of the fleet's bucket, made once the Redis connection exists; null before. */
    private AsyncBucketProxy bucket() {
        AsyncBucketProxy bucket = proxy;
        if (bucket == null) {
            bucket = fleet.bucket(key, configuration);
            proxy = bucket;
        }
        return bucket;
    }

    private Bucket alone() {
        Bucket share = alone;
        if (share == null) {
            long tokens = Math.max(1, spec.requests() / fleet.replicas());
            share = Quota.bucket(tokens, spec.period(), fleet.clock());
            alone = share;
        }
        return share;
    }
}
