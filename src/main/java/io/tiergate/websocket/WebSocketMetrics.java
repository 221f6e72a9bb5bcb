package io.tiergate.websocket;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Meters of the WebSocket endpoint. Tags are network, subscription kind, provider and direction: all from
 * configuration or a fixed set, never from client input.
 */
public final class WebSocketMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();
    /** Counted per message: looked up once, not built each time. */
    private final Map<String, Counter> messages = new ConcurrentHashMap<>();

    public WebSocketMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void connectionOpened(String network) {
        gauge("tiergate.websocket.connections", "open client WebSocket connections", "network", network)
                .incrementAndGet();
    }

    public void connectionClosed(String network) {
        gauge("tiergate.websocket.connections", "open client WebSocket connections", "network", network)
                .decrementAndGet();
    }

    /** {@code delta} +1 when a client subscribes, -1 when it unsubscribes or leaves. */
    public void clientSubscriptions(String network, String kind, int delta) {
        gauge("tiergate.websocket.subscriptions", "client subscriptions", "network", network, "kind", kind)
                .addAndGet(delta);
    }

    /** {@code delta} +1 when an upstream subscription is made on a provider, -1 when it ends there. */
    public void upstreamSubscriptions(String network, String kind, String provider, int delta) {
        gauge("tiergate.websocket.upstream.subscriptions", "subscriptions held on providers", "network", network,
                "kind", kind, "provider", provider).addAndGet(delta);
    }

    public void upstreamSwitch(String network, String kind) {
        Counter.builder("tiergate.websocket.upstream.switches")
                .description("upstream subscriptions moved to another provider (after a failure, or back up)")
                .tag("network", network).tag("kind", kind).register(registry).increment();
    }

    /** A subscription moved back to a higher tier that recovered (also counted as a switch). */
    public void upstreamReturn(String network, String kind) {
        Counter.builder("tiergate.websocket.upstream.returns")
                .description("upstream subscriptions moved back to a higher tier whose provider is usable again")
                .tag("network", network).tag("kind", kind).register(registry).increment();
    }

    public void slowClientDropped(String network) {
        Counter.builder("tiergate.websocket.slow.clients")
                .description("client connections closed because their outbound buffer was full")
                .tag("network", network).register(registry).increment();
    }

    public void unresponsiveClient(String network) {
        Counter.builder("tiergate.websocket.unresponsive.clients")
                .description("client connections closed because nothing, not even a pong, came back after a ping")
                .tag("network", network).register(registry).increment();
    }

    public void oversizedMessage(String network) {
        Counter.builder("tiergate.websocket.oversized.messages")
                .description("client connections closed because a message was over max-message-size")
                .tag("network", network).register(registry).increment();
    }

    /** {@code direction}: in (from clients) or out (to clients); rate() of it is messages per second. */
    public void message(String network, String direction) {
        messages.computeIfAbsent(network + '|' + direction, k -> Counter.builder("tiergate.websocket.messages")
                .description("WebSocket messages from and to clients")
                .tag("network", network).tag("direction", direction).register(registry)).increment();
    }

    public void gapBlocksFetched(String network, int blocks) {
        Counter.builder("tiergate.websocket.gap.blocks")
                .description("newHeads blocks fetched to fill a gap after an upstream switch")
                .tag("network", network).register(registry).increment(blocks);
    }

    public void backfilledLogs(String network, int logs) {
        Counter.builder("tiergate.websocket.backfill.logs")
                .description("logs read with eth_getLogs after a logs subscription moved (delivered unless seen)")
                .tag("network", network).register(registry).increment(logs);
    }

    private AtomicInteger gauge(String name, String description, String... tags) {
        String key = name + String.join("|", tags);
        return gauges.computeIfAbsent(key, k -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(name, value, AtomicInteger::get).description(description).tags(tags).register(registry);
            return value;
        });
    }
}
