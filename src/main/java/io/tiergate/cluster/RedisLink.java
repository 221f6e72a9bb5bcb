package io.tiergate.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import lombok.extern.slf4j.Slf4j;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The replica's connections to Redis (Lettuce): commands as strings, commands with byte values for Bucket4j's
 * buckets, and publish/subscribe. Lettuce reconnects by itself once connected; a Redis that was unreachable at
 * start is tried again by {@link #connect()} at every sync. Commands fail at once while disconnected (they are
 * not queued), so nothing waits on a Redis that is gone. Tracks whether Redis is reachable, for health and metrics.
 * Keys are {@code tiergate:<cluster name>:...}, so two gateways can share one Redis.
 */
@Slf4j
public final class RedisLink implements AutoCloseable {

    private final RedisClient client;
    private final String where;
    private final String prefix;
    private final Clock clock;
    private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();
    // Messages are applied off Lettuce's I/O thread: applying an added provider builds its HTTP client.
    private final Scheduler inbox = Schedulers.newSingle("tiergate-cluster-inbox", true);
    private volatile StatefulRedisConnection<String, String> strings;
    private volatile StatefulRedisConnection<String, byte[]> bytes;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;
    private volatile boolean reachable;
    private boolean warned;
    private volatile Instant since;
    private volatile String lastError;

    public RedisLink(ClusterProperties.Redis settings, String clusterName, Clock clock) {
        RedisURI uri = RedisURI.create(settings.url());
        if (settings.password() != null && !settings.password().isEmpty()) {
            uri.setPassword(settings.password().toCharArray());
        }
        uri.setTimeout(settings.timeout());
        this.where = (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(settings.timeout()).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .build());
        this.prefix = "tiergate:" + clusterName + ":";
        this.clock = clock;
        this.since = clock.instant();
        this.lastError = "not connected yet";
    }

    /** Opens the connections if they are not open; true when Redis answers. Never throws. */
    public synchronized boolean connect() {
        if (strings != null) {
            return true;
        }
        try {
            strings = client.connect(StringCodec.UTF8);
            bytes = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            pubsub = client.connectPubSub(StringCodec.UTF8);
            pubsub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    Consumer<String> handler = channels.get(channel);
                    if (handler != null) {
                        inbox.schedule(() -> deliver(channel, handler, message));
                    }
                }
            });
            if (!channels.isEmpty()) {
                pubsub.sync().subscribe(channels.keySet().toArray(String[]::new));
            }
            log.info("Cluster store: connected to {} as {}", where, prefix);
            succeeded();
            return true;
        } catch (RuntimeException e) {
            closeConnections();
            failed(e);
            return false;
        }
    }

    /** Hears every message on {@code channel} (a full key from {@link #key}); also after reconnects. */
    public void listen(String channel, Consumer<String> handler) {
        channels.put(channel, handler);
        StatefulRedisPubSubConnection<String, String> connection = pubsub;
        if (connection != null) {
            connection.async().subscribe(channel);
        }
    }

    public String key(String suffix) {
        return prefix + suffix;
    }

    /** String commands; throws {@link IllegalStateException} before the first successful connection. */
    public StatefulRedisConnection<String, String> strings() {
        StatefulRedisConnection<String, String> connection = strings;
        if (connection == null) {
            throw new IllegalStateException("cluster store not connected: " + lastError);
        }
        return connection;
    }

    /** Byte-valued commands, as Bucket4j keeps its buckets; null before the first successful connection. */
    public StatefulRedisConnection<String, byte[]> bytes() {
        return bytes;
    }

    public synchronized void succeeded() {
        if (!reachable) {
            reachable = true;
            since = clock.instant();
            lastError = null;
        }
    }

    /** Once per outage (and once at a start without Redis): a WARN line; the latest error stays in health. */
    public synchronized void failed(Throwable error) {
        String message = describe(error);
        if (reachable || !warned) {
            log.warn("Cluster store {} unreachable: {}; serving with the last known overrides and a local share of "
                    + "quotas until it returns", where, message);
            since = clock.instant();
            warned = true;
        }
        reachable = false;
        lastError = message;
    }

    public boolean reachable() {
        return reachable;
    }

    /** When Redis last became reachable or unreachable. */
    public Instant since() {
        return since;
    }

    public String lastError() {
        return lastError;
    }

    /** Host and port only: never the password. */
    public String where() {
        return where;
    }

    private void deliver(String channel, Consumer<String> handler, String message) {
        try {
            handler.accept(message);
        } catch (RuntimeException e) {
            log.warn("Cluster store: ignored a message on {} that could not be applied: {}", channel, e.toString());
        }
    }

    /** The exception's own words without a stack: Lettuce's say what failed and where, never the password. */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return root == error || root.getMessage() == null ? top : top + " (" + root.getMessage() + ")";
    }

    private void closeConnections() {
        for (AutoCloseable c : new AutoCloseable[] {pubsub, bytes, strings}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing a connection that never worked
                }
            }
        }
        pubsub = null;
        bytes = null;
        strings = null;
    }

    @Override
    public synchronized void close() {
        closeConnections();
        client.shutdown();
        inbox.dispose();
    }
}
