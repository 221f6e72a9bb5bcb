package io.tiergate.websocket;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.tiergate.provider.Provider;
import io.tiergate.upstream.UrlUserInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One eth_subscribe on one provider's WebSocket. Pings the provider every ping-interval and gives up on it
 * when nothing (not even a pong) came back for three intervals. {@link #run} completes when {@code stop}
 * fires (after eth_unsubscribe) and fails with the reason in every other case: the subscription must move.
 */
final class UpstreamSocket {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration UNSUBSCRIBE_WAIT = Duration.ofSeconds(2);

    /** Why a socket ended, in words for logs (no URL: it may carry an API key). */
    static class Lost extends RuntimeException {
        Lost(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The socket works, but a provider of a higher tier is usable again: not a failure of this provider. */
    static final class MovingBack extends Lost {
        MovingBack(String reason) {
            super(reason);
        }
    }

    private final Provider provider;
    private final String params;
    private final Duration pingInterval;
    private final int maxFrame;
    private final Consumer<byte[]> onResult;
    private final Runnable onSubscribed;
    private final Sinks.Many<WebSocketFrame> control = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<Boolean> unsubscribed = Sinks.one();
    private final AtomicLong lastHeard = new AtomicLong(System.nanoTime());
    private volatile String upstreamId;
    private volatile boolean stopping;

    UpstreamSocket(Provider provider, String params, Duration pingInterval, int maxFrame, Consumer<byte[]> onResult,
            Runnable onSubscribed) {
        this.provider = provider;
        this.params = params;
        this.pingInterval = pingInterval;
        this.maxFrame = maxFrame;
        this.onResult = onResult;
        this.onSubscribed = onSubscribed;
    }

    /** {@code stop}: the last client left; {@code abandon}: why to leave this provider (health, a recovered tier). */
    Mono<Void> run(Mono<Void> stop, Mono<Lost> abandon) {
        URI wsUrl = provider.definition().wsUrl();
        // As for HTTP calls: user info in the URL goes in the handshake's Authorization header, never on the wire
        // or to DNS as part of a host name.
        String basic = UrlUserInfo.basicAuthorization(wsUrl);
        HttpClient client = HttpClient.create()
                .headers(h -> {
                    if (basic != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, basic);
                    }
                    // Configured headers win, an Authorization header included.
                    provider.definition().headers().forEach(h::set);
                });
        // A host java.net.URI cannot read (a name with underscores) goes as a string, which reactor-netty parses.
        URI url = URI.create(UrlUserInfo.withoutUserInfo(wsUrl));
        HttpClient.WebsocketSender connecting = client.websocket(
                WebsocketClientSpec.builder().maxFramePayloadLength(maxFrame).handlePing(true).build());
        return (url.getHost() != null ? connecting.uri(url) : connecting.uri(url.toString()))
                .handle((in, out) -> session(in, out, stop, abandon))
                .then()
                .onErrorMap(e -> !(e instanceof Lost), e -> new Lost(describe(e)));
    }

    private Mono<Void> session(WebsocketInbound in, WebsocketOutbound out, Mono<Void> stop, Mono<Lost> abandon) {
        Flux<WebSocketFrame> frames = Flux.merge(
                Mono.just(new TextWebSocketFrame(request(1, "eth_subscribe", params))),
                control.asFlux(),
                Flux.interval(pingInterval).map(i -> new PingWebSocketFrame()));
        Mono<Void> sending = out.sendObject(frames).then();
        Mono<Void> receiving = in.aggregateFrames(maxFrame).receiveFrames()
                .doOnNext(this::onFrame)
                .then(Mono.defer(() -> stopping ? Mono.<Void>empty()
                        : Mono.error(new Lost("connection closed by the provider"))));
        Mono<Void> silent = Flux.interval(pingInterval)
                .filter(i -> System.nanoTime() - lastHeard.get() > 3 * pingInterval.toNanos())
                .next()
                .then(Mono.error(() -> new Lost("no answer to pings for " + 3 * pingInterval.toSeconds() + "s")));
        Mono<Void> unsubscribing = stop.then(Mono.defer(this::unsubscribe)).then(Mono.defer(out::sendClose));
        Mono<Void> abandoning = abandon.flatMap(lost -> Mono.<Void>error(lost));
        return Mono.firstWithSignal(receiving, silent, unsubscribing, abandoning, sending.then(Mono.never()));
    }

    private Mono<Void> unsubscribe() {
        stopping = true;
        String id = upstreamId;
        if (id == null) {
            return Mono.empty();
        }
        emit(new TextWebSocketFrame(request(2, "eth_unsubscribe", "[\"" + id + "\"]")));
        return unsubscribed.asMono().timeout(UNSUBSCRIBE_WAIT, Mono.just(false)).then();
    }

    private void onFrame(WebSocketFrame frame) {
        lastHeard.set(System.nanoTime());
        if (frame instanceof PingWebSocketFrame) {
            emit(new PongWebSocketFrame(Unpooled.copiedBuffer(frame.content())));
        } else if (frame instanceof TextWebSocketFrame text) {
            onText(text.content().toString(StandardCharsets.UTF_8));
        }
    }

    private void onText(String text) {
        JsonNode message = JSON.readTree(text);
        JsonNode id = message.get("id");
        if (id != null && id.asLong() == 1) {
            JsonNode result = message.get("result");
            if (result == null || !result.isString()) {
                JsonNode error = message.get("error");
                String reason = error == null ? "no subscription id"
                        : error.path("message").asString("error " + error.path("code").asInt());
                // Providers echo keys back in their messages, and the reason is logged.
                throw new Lost("eth_subscribe refused: " + provider.secrets().scrub(reason));
            }
            upstreamId = result.asString();
            onSubscribed.run();
        } else if (id != null && id.asLong() == 2) {
            unsubscribed.tryEmitValue(true);
        } else if ("eth_subscription".equals(message.path("method").asString(""))) {
            JsonNode params = message.get("params");
            if (params != null && upstreamId != null && upstreamId.equals(params.path("subscription").asString(""))) {
                onResult.accept(JSON.writeValueAsBytes(params.get("result")));
            }
        }
    }

    /** Pongs come from the event loop, the unsubscribe from elsewhere: emissions may race, so retry briefly. */
    private void emit(WebSocketFrame frame) {
        control.emitNext(frame, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
    }

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    private String describe(Throwable e) {
        String name = e.getClass().getSimpleName();
        String message = e.getMessage();
        if (message == null) {
            return name;
        }
        // reactor-netty puts the remote address in its messages; keep only the first line and never a URL.
        int newline = message.indexOf('\n');
        String first = newline > 0 ? message.substring(0, newline) : message;
        return name + ": " + provider.secrets().scrub(first.replaceAll("(?i)wss?://\\S+", "<url>"));
    }
}
