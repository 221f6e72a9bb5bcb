package io.tiergate.websocket;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.provider.RegistryEvent;
import io.tiergate.provider.Tier;
import io.tiergate.routing.RouteOptions;
import io.tiergate.rpc.read.Reads;
import io.tiergate.selection.Choice;
import io.tiergate.selection.SelectionContext;
import io.tiergate.selection.Selector;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Shares upstream subscriptions: one per distinct (network, kind, params), fanned out to every client that
 * asked. Chooses the provider for each (the selector's order: serving tier first, then lower tiers), passing
 * over providers without a ws-url and, for provider-cooldown, those whose socket just failed.
 */
public final class SubscriptionHub implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration HEALTH_CHECK = Duration.ofSeconds(1);
    private static final RawJson GET_BLOCK = RawJson.of("\"eth_getBlockByNumber\"");
    private static final RawJson BLOCK_NUMBER = RawJson.of("\"eth_blockNumber\"");
    private static final RawJson GET_LOGS = RawJson.of("\"eth_getLogs\"");
    private static final int GAP_FETCH_REPEATS = 5;
    private static final Duration GAP_FETCH_PAUSE = Duration.ofMillis(300);
    /** Gap fills are recent blocks: never from the answer cache, never into it (a lagging provider's null). */
    private static final RouteOptions UNCACHED = new RouteOptions(false, false);

    private final Reads reads;
    private final Selector selector;
    private final Clock clock;
    private final WebSocketProperties properties;
    private final WebSocketMetrics metrics;
    private final SecureRandom random = new SecureRandom();
    private final Map<SubscriptionKey, UpstreamSubscription> upstreams = new HashMap<>();
    private final Map<Provider, Long> socketFailures = new ConcurrentHashMap<>();
    private final Disposable healthChecks;

    SubscriptionHub(NetworkRegistry registry, Reads reads, Selector selector, Clock clock,
            WebSocketProperties properties, WebSocketMetrics metrics) {
        this.reads = reads;
        this.selector = selector;
        this.clock = clock;
        this.properties = properties;
        this.metrics = metrics;
        registry.subscribe(event -> {
            if (event instanceof RegistryEvent.ProviderRemoved removed) {
                socketFailures.remove(removed.provider());
            }
        });
        this.healthChecks = Flux.interval(HEALTH_CHECK)
                .subscribe(i -> active().forEach(UpstreamSubscription::checkProvider));
    }

    /** A client's subscription id, and when its upstream subscription is live (notifications flow from then on). */
    record Subscribed(String id, Mono<Void> live) {
    }

    /** Providers whose socket failure is remembered (for provider-cooldown); a removed one is forgotten. */
    int rememberedFailures() {
        return socketFailures.size();
    }

    /** True when some provider of the network has a ws-url, so subscriptions can be served at all. */
    static boolean servesSubscriptions(Network network) {
        return network.providers().stream().anyMatch(SubscriptionHub::canSubscribe);
    }

    /** A provider with a ws-url whose configured methods do not leave eth_subscribe out. */
    static boolean canSubscribe(Provider provider) {
        return provider.definition().wsUrl() != null && provider.methods().allowedByConfiguration("eth_subscribe");
    }

    /** Adds a client to the shared subscription for {@code key}, starting it if it is the first. */
    synchronized Subscribed subscribe(ClientConnection connection, SubscriptionKey key) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String id = "0x" + HexFormat.of().formatHex(bytes);
        UpstreamSubscription upstream = upstreams.get(key);
        boolean first = upstream == null;
        if (first) {
            Network network = connection.network();
            upstream = new UpstreamSubscription(key, network, this,
                    key.isNewHeads() ? new HeadSequencer(number -> fetchHeader(network, number), properties.maxGapFill())
                            : null,
                    key.isLogs() ? new LogBackfill(logFetch(network, key.params()), properties.maxGapFill()) : null);
            upstreams.put(key, upstream);
        }
        upstream.add(id, connection);
        metrics.clientSubscriptions(key.network(), key.kind(), 1);
        if (first) {
            upstream.start();
        }
        return new Subscribed(id, upstream.live());
    }

    synchronized void unsubscribe(ClientConnection connection, String id, SubscriptionKey key) {
        UpstreamSubscription upstream = upstreams.get(key);
        if (upstream == null) {
            return;
        }
        metrics.clientSubscriptions(key.network(), key.kind(), -1);
        if (upstream.remove(id)) {
            upstreams.remove(key);
            upstream.stop();
        }
    }

    WebSocketProperties properties() {
        return properties;
    }

    WebSocketMetrics metrics() {
        return metrics;
    }

    int maxFrame() {
        // Upstream notifications (a block's logs) can be much larger than client requests.
        return (int) Math.max(properties.maxMessageSize().toBytes(), 64L * 1024 * 1024);
    }

    void socketFailed(Provider provider) {
        socketFailures.put(provider, clock.millis());
    }

    /**
     * The provider for a (re)subscription: the selector's choice among providers with a ws-url whose socket did
     * not fail within provider-cooldown; if all did, the one whose socket failed longest ago.
     */
    Provider choose(Network network) {
        long since = clock.millis() - properties.providerCooldown().toMillis();
        // Candidates: providers with a ws-url, minus the ones cooling down.
        Choice choice = selector.select(network, SelectionContext.excluding(p -> {
            Long failed = socketFailures.get(p);
            return !canSubscribe(p) || failed != null && failed > since;
        }));
        if (choice != null) {
            return choice.provider();
        }
        // Nothing usable: the socket that failed longest ago is tried anyway (health may lag behind reality),
        // never a provider an operator drained or one on the wrong chain.
        Provider best = null;
        for (Provider p : network.providers()) {
            Availability availability = p.availability();
            if (canSubscribe(p) && availability != Availability.DRAINED
                    && availability != Availability.MISCONFIGURED
                    && (best == null || failedAt(p) < failedAt(best))) {
                best = p;
            }
        }
        return best;
    }

    /**
     * True when another provider with a ws-url could take the subscription: a USABLE one, or, when {@code current}
     * may not be selected at all, any selectable one (lagging or syncing beats down).
     */
    boolean betterProviderExists(Network network, Provider current, boolean currentUnselectable) {
        for (Tier tier : network.tiers()) {
            for (Provider p : tier.providers()) {
                if (p == current || !canSubscribe(p)) {
                    continue;
                }
                Availability availability = p.availability();
                if (availability == Availability.USABLE || (currentUnselectable && availability.selectable())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A provider of a tier above {@code current}'s that could take the subscription now: usable (not lagging,
     * syncing, down or resting), with a ws-url, and whose socket did not fail within provider-cooldown.
     */
    Provider recoveredHigherTier(Network network, Provider current) {
        Tier currentTier = network.tierOf(current);
        long since = clock.millis() - properties.providerCooldown().toMillis();
        for (Tier tier : network.tiers()) {
            if (tier == currentTier) {
                return null;
            }
            for (Provider p : tier.providers()) {
                if (canSubscribe(p) && p.availability() == Availability.USABLE && failedAt(p) <= since) {
                    return p;
                }
            }
        }
        return null;
    }

    private long failedAt(Provider p) {
        return socketFailures.getOrDefault(p, 0L);
    }

    private synchronized List<UpstreamSubscription> active() {
        return List.copyOf(upstreams.values());
    }

    /**
     * A block's header for filling a newHeads gap, routed like any call (failover included). A provider that
     * has not reached the block answers null; the fetch is then repeated a few times (another provider may be
     * picked, a lagging one catches up) before the block is left out.
     */
    private Mono<HeadSequencer.Header> fetchHeader(Network network, long number) {
        return Mono.defer(() -> fetchHeaderOnce(network, number))
                .repeatWhenEmpty(GAP_FETCH_REPEATS, repeats -> repeats.delayElements(GAP_FETCH_PAUSE));
    }

    private Mono<HeadSequencer.Header> fetchHeaderOnce(Network network, long number) {
        return call(network, GET_BLOCK, "[\"0x" + Long.toHexString(number) + "\",false]").mapNotNull(result -> {
            if (!(result instanceof ObjectNode block)) {
                return null;
            }
            // A newHeads notification carries the header only.
            block.remove(List.of("transactions", "uncles", "withdrawals", "size", "totalDifficulty"));
            metrics.gapBlocksFetched(network.name(), 1);
            return new HeadSequencer.Header(number, JSON.writeValueAsBytes(block));
        });
    }

    /**
     * Reads for a logs backfill, routed like any call: the head, and eth_getLogs with the subscription's filter
     * (address, topics) over a block range.
     */
    LogBackfill.Fetch logFetch(Network network, String subscribeParams) {
        JsonNode params = JSON.readTree(subscribeParams);
        ObjectNode filter = params.size() > 1 && params.get(1) instanceof ObjectNode given ? given.deepCopy()
                : JSON.createObjectNode();
        filter.remove(List.of("fromBlock", "toBlock", "blockHash"));
        return new LogBackfill.Fetch() {
            @Override
            public Mono<Long> head() {
                return call(network, BLOCK_NUMBER, "[]").mapNotNull(result -> {
                    long head = LogBackfill.number(result);
                    return head < 0 ? null : head;
                });
            }

            @Override
            public Mono<List<byte[]>> logs(long from, long to) {
                ObjectNode range = filter.deepCopy();
                range.put("fromBlock", "0x" + Long.toHexString(from));
                range.put("toBlock", "0x" + Long.toHexString(to));
                return call(network, GET_LOGS, "[" + JSON.writeValueAsString(range) + "]").mapNotNull(result -> {
                    if (!result.isArray()) {
                        return null;
                    }
                    List<byte[]> logs = new ArrayList<>(result.size());
                    result.forEach(entry -> logs.add(JSON.writeValueAsBytes(entry)));
                    metrics.backfilledLogs(network.name(), logs.size());
                    return logs;
                });
            }
        };
    }

    /** One read down the read path, never from or into the answer cache: its result, empty on any error. */
    private Mono<JsonNode> call(Network network, RawJson method, String paramsJson) {
        String name = method.toString().substring(1, method.toString().length() - 1);
        JsonRequest request = new JsonRequest(0, RawJson.of("1"), name, method, RawJson.of(paramsJson));
        return reads.read(network, List.of(request), false, UNCACHED).mapNotNull(result -> {
            UpstreamAnswer answer = result.answers()[0];
            return answer == null || answer.isError() ? null : JSON.readTree(answer.result().toString());
        }).onErrorResume(e -> Mono.empty());
    }

    @Override
    public synchronized void close() {
        healthChecks.dispose();
        upstreams.values().forEach(UpstreamSubscription::dispose);
        upstreams.clear();
    }
}
