package io.tiergate.cluster;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import java.time.Duration;
import lombok.extern.slf4j.Slf4j;

/**
 * Rests other replicas gave providers after a rate limit, applied here: at once from the published message,
 * and at every sync from the keys (whose time to live is the rest left), so a replica that starts or
 * reconnects during a rest rests too. Only ever lengthens a rest.
 */
@Slf4j
final class FleetRests {

    private final RedisLink link;
    private final NetworkRegistry registry;
    private final String replica;
    private final String pattern;
    private final Counter received;

    FleetRests(RedisLink link, NetworkRegistry registry, String replica, String channel, MeterRegistry meters) {
        this.link = link;
        this.registry = registry;
        this.replica = replica;
        this.pattern = link.key("rest:*");
        this.received = meters.counter("tiergate.cluster.rests.received");
        link.listen(channel, this::heard);
    }

    static String message(String field, Duration rest, String replica) {
        return rest.toMillis() + " " + field + " " + replica;
    }

    /** Applies every rest still running; throws when Redis cannot be reached. */
    void sync() {
        RedisCommands<String, String> commands = link.strings().sync();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = commands.scan(cursor, ScanArgs.Builder.matches(pattern).limit(500));
            for (String key : page.getKeys()) {
                long leftMillis = commands.pttl(key);
                if (leftMillis > 0) {
                    rest(key.substring(pattern.length() - 1), Duration.ofMillis(leftMillis), false);
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private void heard(String message) {
        String[] parts = message.split(" ", 3);
        if (parts.length == 3 && !parts[2].equals(replica)) {
            received.increment();
            rest(parts[1], Duration.ofMillis(Long.parseLong(parts[0])), true);
        }
    }

    private void rest(String field, Duration rest, boolean announce) {
        int slash = field.indexOf('/');
        Network network = slash < 0 ? null : registry.find(field.substring(0, slash));
        Provider provider = network == null ? null : network.provider(field.substring(slash + 1));
        if (provider == null) {
            return;
        }
        boolean wasResting = provider.backoff().isActive();
        provider.backoff().restFor(rest);
        if (announce && !wasResting) {
            log.warn("Provider {} ({} tier, network {}): rate limited at another replica, resting {} ms here too",
                    provider.name(), provider.tier(), network.name(), rest.toMillis());
        }
    }
}
