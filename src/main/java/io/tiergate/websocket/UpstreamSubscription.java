package io.tiergate.websocket;

import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lombok.extern.slf4j.Slf4j;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * One subscription held upstream for every client that asked for the same thing. It lives on one provider at
 * a time; when that socket is lost, or health says the provider is down or lagging while another can serve,
 * it is made again on the next provider (same tier first, then lower) and clients keep their ids. Once a
 * provider of a higher tier than the one serving is usable again, the subscription moves back up.
 */
@Slf4j
final class UpstreamSubscription {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Markers in a logs subscription's stream (compared by identity): first live, moved to another provider. */
    private static final byte[] LIVE = new byte[0];
    private static final byte[] SWITCHED = new byte[0];
    /** The old and the new socket may both still emit for a moment during a switch. */
    private static final Duration EMIT_RETRY = Duration.ofSeconds(1);

    private final SubscriptionKey key;
    private final Network network;
    private final SubscriptionHub hub;
    /** Client subscription id -> the client's connection. */
    private final Map<String, ClientConnection> clients = new ConcurrentHashMap<>();
    private final Sinks.Many<byte[]> results = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Empty<Void> stop = Sinks.empty();
    private final Sinks.Empty<Void> live = Sinks.empty();
    private final HeadSequencer heads;
    private final LogBackfill logs;
    private volatile Provider current;
    private volatile Sinks.One<UpstreamSocket.Lost> abandon = Sinks.one();
    private volatile boolean everSubscribed;
    private volatile boolean movingBack;
    private volatile boolean stopped;
    private Disposable running;
    private Disposable delivering;

    /** {@code heads} for newHeads, {@code logs} for logs subscriptions, else null. */
    UpstreamSubscription(SubscriptionKey key, Network network, SubscriptionHub hub, HeadSequencer heads,
            LogBackfill logs) {
        this.key = key;
        this.network = network;
        this.hub = hub;
        this.heads = heads;
        this.logs = logs;
    }

    SubscriptionKey key() {
        return key;
    }

    Provider current() {
        return current;
    }

    /** Completes once the subscription is held on a provider for the first time. */
    Mono<Void> live() {
        return live.asMono();
    }

    void add(String clientId, ClientConnection connection) {
        clients.put(clientId, connection);
    }

    /** True when no client is left. */
    boolean remove(String clientId) {
        clients.remove(clientId);
        return clients.isEmpty();
    }

    void start() {
        Flux<byte[]> arriving = results.asFlux();
        // newHeads go through the sequencer one at a time (gap fills included) so clients get them in order; logs
        // through the backfill (re-read after a switch, each log once).
        Flux<byte[]> ordered;
        if (heads != null) {
            ordered = arriving.concatMap(json -> heads.accept(header(json)).map(HeadSequencer.Header::json));
        } else if (logs != null) {
            ordered = arriving.concatMap(json -> json == LIVE ? logs.live()
                    : json == SWITCHED ? logs.switched() : logs.accept(json));
        } else {
            ordered = arriving;
        }
        delivering = ordered.subscribe(this::deliver,
                error -> log.error("Delivery of {} on {} stopped", key.kind(), network.name(), error));
        running = Flux.defer(this::attempt)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, hub.properties().reconnectMinBackoff())
                        .maxBackoff(hub.properties().reconnectMaxBackoff())
                        .transientErrors(true)
                        .filter(e -> !stopped))
                .subscribe();
    }

    /** The last client left: eth_unsubscribe upstream and close its socket. */
    void stop() {
        stopped = true;
        stop.tryEmitEmpty();
        // Backstop: whatever state the socket is in, it is not kept past the unsubscribe.
        Mono.delay(Duration.ofSeconds(5)).subscribe(t -> dispose());
    }

    void dispose() {
        if (running != null) {
            running.dispose();
        }
        if (delivering != null) {
            delivering.dispose();
        }
    }

    /** Moves off the current provider when health no longer lets it serve while another one could. */
    void checkProvider() {
        Provider p = current;
        if (p == null) {
            return;
        }
        Availability availability = p.availability();
        // Never leave a working socket for nothing: only when somewhere better to go exists.
        boolean leave = availability != Availability.USABLE
                && hub.betterProviderExists(network, p, !availability.selectable());
        if (leave) {
            abandon.tryEmitValue(new UpstreamSocket.Lost("provider " + availability.reason()));
            return;
        }
        // Back to a higher tier once one of its providers is usable again (and its socket did not just fail).
        Provider recovered = hub.recoveredHigherTier(network, p);
        if (recovered != null) {
            abandon.tryEmitValue(new UpstreamSocket.MovingBack("provider " + recovered.name() + " of the "
                    + recovered.tier() + " tier is usable again"));
        }
    }

    /** One subscription on one provider: emits once subscribed (resetting the backoff), fails when it is lost. */
    private Flux<Boolean> attempt() {
        if (stopped) {
            return Flux.empty();
        }
        Provider provider = hub.choose(network);
        if (provider == null) {
            return Flux.error(new UpstreamSocket.Lost("no provider with a ws-url is usable"));
        }
        abandon = Sinks.one();
        Sinks.One<Boolean> subscribed = Sinks.one();
        UpstreamSocket socket = new UpstreamSocket(provider, key.params(), hub.properties().pingInterval(),
                hub.maxFrame(), json -> results.emitNext(json, Sinks.EmitFailureHandler.busyLooping(EMIT_RETRY)),
                () -> {
                    onSubscribed(provider);
                    subscribed.tryEmitValue(true);
                });
        return Flux.merge(subscribed.asMono(), socket.run(stop.asMono(), abandon.asMono()).then(Mono.<Boolean>empty()))
                .doOnError(e -> {
                    // Only a move back that ends in a subscription counts as one; a failure in between does not.
                    movingBack = e instanceof UpstreamSocket.MovingBack;
                    if (movingBack) {
                        log.info("Network {}: {} subscription leaves provider {} ({} tier): {}", network.name(),
                                key.kind(), provider.name(), provider.tier(), e.getMessage());
                    } else {
                        lost(provider, e.getMessage());
                    }
                })
                .doFinally(s -> {
                    if (current == provider) {
                        current = null;
                        hub.metrics().upstreamSubscriptions(network.name(), key.kind(), provider.name(), -1);
                    }
                });
    }

    private void onSubscribed(Provider provider) {
        current = provider;
        hub.metrics().upstreamSubscriptions(network.name(), key.kind(), provider.name(), 1);
        if (everSubscribed) {
            hub.metrics().upstreamSwitch(network.name(), key.kind());
            if (movingBack) {
                hub.metrics().upstreamReturn(network.name(), key.kind());
                log.info("Network {}: {} subscription moved back to provider {} ({} tier) for {} client(s)",
                        network.name(), key.kind(), provider.name(), provider.tier(), clients.size());
            } else {
                log.warn("Network {}: {} subscription moved to provider {} ({} tier) for {} client(s)",
                        network.name(), key.kind(), provider.name(), provider.tier(), clients.size());
            }
        } else {
            log.info("Network {}: {} subscription made on provider {} ({} tier)", network.name(), key.kind(),
                    provider.name(), provider.tier());
        }
        if (logs != null) {
            // Ahead of every notification of the new socket (they arrive after its answer to eth_subscribe).
            results.emitNext(everSubscribed ? SWITCHED : LIVE, Sinks.EmitFailureHandler.busyLooping(EMIT_RETRY));
        }
        everSubscribed = true;
        movingBack = false;
        live.tryEmitEmpty();
    }

    private void lost(Provider provider, String reason) {
        hub.socketFailed(provider);
        log.warn("Network {}: {} subscription lost on provider {} ({} tier): {}; subscribing elsewhere", network.name(),
                key.kind(), provider.name(), provider.tier(), reason);
    }

    private void deliver(byte[] result) {
        clients.forEach((id, connection) -> connection.send(notification(id, result)));
    }

    private static byte[] notification(String id, byte[] result) {
        JsonBytes out = new JsonBytes(result.length + 96);
        out.ascii("{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":\"").ascii(id)
                .ascii("\",\"result\":").write(result).ascii("}}");
        return out.toByteArray();
    }

    /** A head without a readable number gets -1, which the sequencer drops once any block was delivered. */
    static HeadSequencer.Header header(byte[] json) {
        long n = -1;
        try {
            String number = JSON.readTree(json).path("number").asString("");
            if (number.startsWith("0x")) {
                n = Long.parseLong(number.substring(2), 16);
            }
        } catch (RuntimeException unreadable) {
            n = -1;
        }
        return new HeadSequencer.Header(n, json);
    }
}
