package io.tiergate.websocket;

import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A reactor-netty WebSocket client for tests that need what the JDK client cannot do: it never answers pings
 * (pings are handed to it, {@code handlePing(true)}, and it drops them) and it sends each message as one frame,
 * however large.
 */
final class NettyWsClient implements AutoCloseable {

    final AtomicInteger pings = new AtomicInteger();
    final CompletableFuture<WebSocketCloseStatus> closeStatus = new CompletableFuture<>();
    private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
    private final Disposable connection;

    NettyWsClient(String url) {
        connection = HttpClient.create()
                .websocket(WebsocketClientSpec.builder().handlePing(true).maxFramePayloadLength(64 * 1024 * 1024).build())
                .uri(url)
                .handle((in, out) -> {
                    in.receiveCloseStatus().subscribe(closeStatus::complete);
                    Mono<Void> sending = out.sendObject(outbound.asFlux().map(TextWebSocketFrame::new)).then();
                    Mono<Void> receiving = in.receiveFrames()
                            .doOnNext(frame -> {
                                if (frame instanceof PingWebSocketFrame) {
                                    pings.incrementAndGet();
                                }
                            })
                            .then();
                    return Flux.merge(sending, receiving);
                })
                .subscribe(ignored -> { }, error -> closeStatus.completeExceptionally(error));
    }

    /** Sends {@code text} as a single text frame. */
    void send(String text) {
        outbound.tryEmitNext(text);
    }

    @Override
    public void close() {
        connection.dispose();
    }
}
