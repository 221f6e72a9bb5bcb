package io.tiergate.testsupport;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * An open-loop load generator: requests leave at a fixed rate whatever the gateway does, so a slow or hanging
 * gateway shows up as latency and requests in flight instead of quietly slowing the load down (as a closed
 * loop of N threads would). Every request ends with an {@link Outcome}: an answer, or {@code status -1} when
 * the client gave up after {@code giveUpAfter} (a request the gateway left hanging).
 */
public final class OpenLoopLoad implements AutoCloseable {

    /** One client request: its body and the ids it expects back. */
    public record Request(String body, List<String> ids) {
    }

    /**
     * What happened to request {@code index}; times are {@link System#nanoTime()}: {@code sentNanos} when it was due
     * to leave, {@code writtenNanos} when its last byte had been written to the gateway (-1: never written whole).
     */
    public record Outcome(int index, Request request, long sentNanos, long writtenNanos, long endNanos, int status,
            String tier, String body) {

        public Duration latency() {
            return Duration.ofNanos(endNanos - sentNanos);
        }
    }

    private static final Duration TICK = Duration.ofMillis(10);

    private final ConnectionProvider connections;
    private final HttpClient http;
    private final Duration giveUpAfter;
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Sinks.Empty<Void> done = Sinks.empty();
    private final Sinks.Empty<Void> stop = Sinks.empty();
    private volatile Disposable run;

    public OpenLoopLoad(String url, Duration giveUpAfter) {
        this.connections = ConnectionProvider.builder("open-loop-load").maxConnections(2_000)
                .pendingAcquireMaxCount(-1).pendingAcquireTimeout(giveUpAfter).build();
        this.http = HttpClient.create(connections).baseUrl(url)
                .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
        this.giveUpAfter = giveUpAfter;
    }

    /** Starts sending {@code total} requests at {@code perSecond}; returns at once. */
    public OpenLoopLoad start(int perSecond, int total, IntFunction<Request> requests) {
        int perTick = Math.max(1, perSecond / (int) (Duration.ofSeconds(1).toMillis() / TICK.toMillis()));
        int ticks = (total + perTick - 1) / perTick;
        run = Flux.interval(Duration.ZERO, TICK)
                .onBackpressureBuffer()
                .take(ticks)
                .takeUntilOther(stop.asMono())
                .concatMapIterable(tick -> {
                    int first = (int) (tick * perTick);
                    return java.util.stream.IntStream.range(first, Math.min(total, first + perTick)).boxed().toList();
                })
                .flatMap(index -> send(index, requests.apply(index)), Integer.MAX_VALUE)
                .doFinally(signal -> done.tryEmitEmpty())
                .subscribe(outcomes::add);
        return this;
    }

    private Mono<Outcome> send(int index, Request request) {
        long sentNanos = System.nanoTime();
        long[] written = {-1};
        sent.incrementAndGet();
        inFlight.incrementAndGet();
        return http.doAfterRequest((req, connection) -> written[0] = System.nanoTime()).post().uri("/")
                .send(ByteBufFlux.fromString(Mono.just(request.body()), StandardCharsets.UTF_8, io.netty.buffer.ByteBufAllocator.DEFAULT))
                .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Outcome(index, request, sentNanos, written[0], System.nanoTime(),
                                response.status().code(), response.responseHeaders().get("X-Tiergate-Tier"), text)))
                .timeout(giveUpAfter)
                .onErrorResume(e -> Mono.just(new Outcome(index, request, sentNanos, written[0], System.nanoTime(), -1, null,
                        e instanceof TimeoutException ? "no answer within " + giveUpAfter.toMillis() + " ms" : e.toString())))
                .doFinally(signal -> inFlight.decrementAndGet());
    }

    /** No request leaves after this; those in flight run to their end. */
    public void stopSending() {
        stop.tryEmitEmpty();
    }

    public int sent() {
        return sent.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Waits until every request sent has ended, then returns all outcomes (in no particular order). */
    public List<Outcome> await(Duration atMost) {
        done.asMono().block(atMost);
        return List.copyOf(outcomes);
    }

    @Override
    public void close() {
        Disposable r = run;
        if (r != null) {
            r.dispose();
        }
        connections.disposeLater().block(Duration.ofSeconds(5));
    }
}
