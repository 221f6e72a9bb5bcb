package io.tiergate.cluster;

import io.github.resilience4j.core.IntervalFunction;
import io.lettuce.core.ScriptOutputType;
import io.tiergate.admin.ConcurrentChangesException;
import io.tiergate.admin.OverrideStore;
import io.tiergate.admin.ProviderOverride;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import lombok.extern.slf4j.Slf4j;

/**
 * Operators' overrides shared by every replica through Redis. Each override is stored with a version; a change
 * is written only if the stored version is still the one it was made from (a Lua compare-and-set), so concurrent
 * changes through different replicas are applied one after the other and the last write wins everywhere. The
 * same script publishes the change: every replica applies it at once. Reads never touch Redis: they see the last
 * known overrides, which {@link #sync()} refreshes at every cluster sync.
 *
 * <p>While Redis is unreachable a change is applied on this replica only and written to Redis when it returns
 * (if nobody changed that provider meanwhile); a Redis that comes back empty gets every replica's overrides back.
 */
@Slf4j
public final class RedisOverrideStore implements OverrideStore {

    // KEYS: overrides hash, channel. ARGV: field, expected version, override JSON. The version is read from the stored
    // override itself, the one place it is kept. Returns -1 when written, else the version found (someone wrote first).
    private static final String COMPARE_AND_SET = """
            local stored = redis.call('HGET', KEYS[1], ARGV[1])
            local v = 0
            if stored then v = tonumber(cjson.decode(stored)['version']) end
            if v ~= tonumber(ARGV[2]) then return v end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            redis.call('PUBLISH', KEYS[2], ARGV[3])
            return -1
            """;
    private static final int ATTEMPTS = 20;
    // Runs on the admin API's worker threads, never on an event loop: a pause here holds up one admin call.
    private static final IntervalFunction BACKOFF =
            IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(2), 2.0, 0.5, Duration.ofMillis(100));

    private final RedisLink link;
    private final ClusterJson json;
    private final Clock clock;
    private final String overridesKey;
    private final String channel;
    private final Map<String, ProviderOverride> known = new ConcurrentHashMap<>();
    private final List<Consumer<ProviderOverride>> listeners = new CopyOnWriteArrayList<>();

    public RedisOverrideStore(RedisLink link, ClusterJson json, Clock clock) {
        this.link = link;
        this.json = json;
        this.clock = clock;
        this.overridesKey = link.key("overrides");
        this.channel = link.key("override-changes");
        link.listen(channel, message -> learn(json.override(message)));
    }

    @Override
    public ProviderOverride update(String network, String provider, String actor,
            UnaryOperator<ProviderOverride> change) {
        String field = field(network, provider);
        synchronized (this) {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                ProviderOverride next;
                long expected;
                try {
                    ProviderOverride stored = storedOverride(network, provider, field);
                    learn(stored);
                    // What this replica knows is at least as new as the store now; newer only if it holds a change
                    // made while the store was unreachable, which this one is made on.
                    ProviderOverride base = get(network, provider);
                    expected = stored.version();
                    next = stamp(change.apply(base), base.version() + 1, actor);
                    if (compareAndSet(field, expected, next)) {
                        settle(next);
                        return next;
                    }
                } catch (RuntimeException e) {
                    link.failed(e);
                    ProviderOverride mine = get(network, provider);
                    next = stamp(change.apply(mine), mine.version() + 1, actor);
                    log.warn("Cluster store unreachable: {} on {}/{} applied on this replica only, written to the "
                            + "store when it returns", describe(mine, next), network, provider);
                    settle(next);
                    return next;
                }
                // Another replica wrote first: read again after a short random pause, so writers spread out.
                pause(attempt);
            }
        }
        throw new ConcurrentChangesException(
                "other replicas kept changing " + network + "/" + provider + " at the same time; try again");
    }

    @Override
    public ProviderOverride get(String network, String provider) {
        return known.getOrDefault(field(network, provider), ProviderOverride.none(network, provider));
    }

    @Override
    public Collection<ProviderOverride> all() {
        return List.copyOf(known.values());
    }

    @Override
    public void subscribe(Consumer<ProviderOverride> listener) {
        listeners.add(listener);
    }

    /**
     * Reads every stored override: newer ones are applied here; ones this replica knows in a newer version (changed
     * while Redis was unreachable, or lost by Redis) are written back. Throws when Redis cannot be reached.
     */
    public void sync() {
        Map<String, String> stored = link.strings().sync().hgetall(overridesKey);
        for (String value : stored.values()) {
            learn(json.override(value));
        }
        for (Map.Entry<String, ProviderOverride> entry : known.entrySet()) {
            String value = stored.get(entry.getKey());
            long storedVersion = value == null ? 0 : json.override(value).version();
            if (entry.getValue().version() > storedVersion && compareAndSet(entry.getKey(), storedVersion,
                    entry.getValue())) {
                log.info("Cluster store: wrote back {}/{} version {} (changed while the store was unreachable, or "
                        + "the store lost it)", entry.getValue().network(), entry.getValue().provider(),
                        entry.getValue().version());
            }
        }
    }

    /**
     * Learns a change this replica just made and tells the listeners even when the published copy of it got here
     * first: the caller (an admin request) must find it applied when this returns, and the thread that learnt the
     * published copy may still be applying it. Listeners apply a version once (an older or equal one is ignored),
     * and they are synchronized, so this waits for that thread or applies the change itself.
     */
    private void settle(ProviderOverride mine) {
        if (!learn(mine)) {
            listeners.forEach(l -> l.accept(mine));
        }
    }

    /** Keeps {@code override} if it is newer than what this replica knows, and tells the listeners; true if it was. */
    private boolean learn(ProviderOverride override) {
        if (override.version() == 0) {
            return false; // nothing stored: nothing to learn
        }
        String field = field(override.network(), override.provider());
        ProviderOverride[] newer = new ProviderOverride[1];
        known.compute(field, (k, current) -> {
            if (current != null && current.version() >= override.version()) {
                return current;
            }
            newer[0] = override;
            return override;
        });
        if (newer[0] != null) {
            listeners.forEach(l -> l.accept(newer[0]));
            return true;
        }
        return false;
    }

    private ProviderOverride storedOverride(String network, String provider, String field) {
        String value = link.strings().sync().hget(overridesKey, field);
        return value == null ? ProviderOverride.none(network, provider) : json.override(value);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(BACKOFF.apply(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while changing an override", e);
        }
    }

    private boolean compareAndSet(String field, long expected, ProviderOverride next) {
        Long result = link.strings().sync().eval(COMPARE_AND_SET, ScriptOutputType.INTEGER,
                new String[] {overridesKey, channel}, field, Long.toString(expected), json.write(next));
        link.succeeded();
        return result != null && result == -1L;
    }

    private ProviderOverride stamp(ProviderOverride changed, long version, String actor) {
        return changed.stamped(version, actor, clock.instant());
    }

    private static String describe(ProviderOverride before, ProviderOverride after) {
        return "change " + before.version() + " -> " + after.version();
    }

    private static String field(String network, String provider) {
        return network + "/" + provider;
    }
}
