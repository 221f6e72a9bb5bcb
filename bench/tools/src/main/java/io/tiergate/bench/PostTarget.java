package io.tiergate.bench;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * One URL that receives the same JSON-RPC body again and again over a bounded pool of keep-alive
 * connections (reactor-netty). A request waiting for a free connection waits in the pool, and that
 * wait is part of its latency, as it would be for a real client.
 */
final class PostTarget implements AutoCloseable {

    /** Outcome of one request: the HTTP status (0 when the transport failed) and body bytes read. */
    record Answer(int status, long bytes) {
    }

    private final ConnectionProvider pool;
    private final LoopResources loops;
    private final HttpClient http;
    private final String url;
    private final byte[] body;

    PostTarget(String url, byte[] body, int connections, int threads) {
        this.url = url;
        this.body = body;
        this.pool = ConnectionProvider.builder("bench").maxConnections(connections)
                .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofSeconds(60)).build();
        this.loops = LoopResources.create("bench", threads, true);
        this.http = HttpClient.create(pool).runOn(loops).headers(h -> {
            h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            h.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        });
    }

    Mono<Answer> post() {
        return http.post().uri(url)
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                // Count the body as it streams; reactor-netty releases each chunk after this callback.
                .response((response, content) -> content.map(chunk -> (long) chunk.readableBytes())
                        .reduce(0L, Long::sum)
                        .map(bytes -> new Answer(response.status().code(), bytes)))
                .next()
                .onErrorResume(e -> Mono.just(new Answer(0, 0)));
    }

    @Override
    public void close() {
        pool.dispose();
        loops.dispose();
    }
}
