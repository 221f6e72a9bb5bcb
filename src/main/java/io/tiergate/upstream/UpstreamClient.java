package io.tiergate.upstream;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * One pooled, keep-alive HTTP client per provider. Bodies go out and come back as bytes; the
 * caller decides what an answer means.
 */
public final class UpstreamClient implements AutoCloseable {

    private static final byte[] EMPTY = new byte[0];
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(3);

    /** Connections per provider, at most, and calls waiting for one. */
    private static final int MAX_CONNECTIONS = 1024;
    private static final int MAX_PENDING = 4096;

    private final LoopLocalPools pools;
    private final Clock clock;
    private final long maxResponseBytes;

    public UpstreamClient(Endpoint provider, long maxResponseBytes, Clock clock) {
        this.clock = clock;
        this.maxResponseBytes = maxResponseBytes;
        boolean tls = "https".equalsIgnoreCase(provider.url().getScheme());
        long connectTimeout = Math.min(provider.timeout().toMillis(), MAX_CONNECT_TIMEOUT.toMillis());
        // A parsed URI spares reactor-netty a regex parse of the URL on every request; a host java.net.URI
        // cannot read (a name with underscores) goes as a string, which reactor-netty parses itself.
        URI url = URI.create(UrlUserInfo.withoutUserInfo(provider.url()));
        String basic = UrlUserInfo.basicAuthorization(provider.url());
        this.pools = new LoopLocalPools(
                (i, count) -> ConnectionProvider.builder("tiergate-" + provider.name() + "-" + i)
                        .maxConnections(Math.max(1, MAX_CONNECTIONS / count))
                        .pendingAcquireMaxCount(Math.max(1, MAX_PENDING / count))
                        .maxIdleTime(Duration.ofSeconds(30))
                        .maxLifeTime(Duration.ofMinutes(10))
                        .evictInBackground(Duration.ofSeconds(30))
                        .build(),
                client -> {
                    HttpClient http = client
                            .compress(true)
                            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout)
                            .headers(h -> {
                                h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                                h.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
                                if (basic != null) {
                                    h.set(HttpHeaderNames.AUTHORIZATION, basic);
                                }
                                // Configured headers win, an Authorization header included.
                                provider.headers().forEach(h::set);
                            });
                    // HTTP/2 is negotiated through ALPN, so only where TLS is spoken.
                    if (tls) {
                        http = http.protocol(HttpProtocol.H2, HttpProtocol.HTTP11).secure();
                    }
                    // Configured once: each configuring call on an HttpClient copies its configuration.
                    return url.getHost() != null ? http.post().uri(url) : http.post().uri(url.toString());
                });
    }

    /** Posts one JSON-RPC body; errors with the transport failure, or times out after {@code timeout}. */
    public Mono<UpstreamResponse> post(byte[] body, Duration timeout) {
        LoopLocalPools.Lane lane = pools.lane();
        return lane.sender()
                .send((request, outbound) -> {
                    request.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
                    return outbound.send(Mono.just(Unpooled.wrappedBuffer(body)));
                })
                .response((response, content) -> {
                    int status = response.status().code();
                    Duration retryAfter = retryAfter(response.responseHeaders());
                    if (response.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, 0) > maxResponseBytes) {
                        return Mono.error(new ResponseTooLargeException());
                    }
                    // Counted while it streams, so an endless body is cut off before it fills the heap.
                    long[] received = {0};
                    return ByteBufFlux.fromInbound(content.doOnNext(chunk -> {
                                received[0] += chunk.readableBytes();
                                if (received[0] > maxResponseBytes) {
                                    throw new ResponseTooLargeException();
                                }
                            }))
                            .aggregate()
                            .asByteArray()
                            .defaultIfEmpty(EMPTY)
                            .map(bytes -> new UpstreamResponse(status, retryAfter, bytes));
                })
                .next()
                // The Publisher form of timeout: the Duration form builds a description of itself on every
                // subscription (a walk of the operator chain for a name, with a stream and a regex per step).
                .timeout(Mono.delay(timeout, lane.timer()), Mono.error(() -> new TimeoutException(
                        "no answer within " + timeout.toMillis() + "ms")));
    }

    private Duration retryAfter(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        value = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.ofMillis(Math.max(0, when.toInstant().toEpochMilli() - clock.millis()));
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        pools.close();
    }
}
