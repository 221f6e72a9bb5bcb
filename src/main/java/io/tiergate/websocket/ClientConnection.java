package io.tiergate.websocket;

import io.tiergate.provider.Network;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lombok.extern.slf4j.Slf4j;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One client's WebSocket: its subscriptions and a bounded outbound queue. Answers and notifications from any
 * thread go through {@link #send}; when the bytes queued for a client that does not read pass the limit, the
 * client is closed (1008 "too slow") instead of letting the queue grow.
 */
@Slf4j
final class ClientConnection {

    static final int TOO_SLOW = 1008;
    /** A closed slow client gets this long to read what is on the wire and the close frame; then the socket goes. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration QUIET_CHECK = Duration.ofMillis(100);

    private final WebSocketSession session;
    private final Network network;
    private final WebSocketMetrics metrics;
    private final long maxQueuedBytes;
    private final Sinks.Many<WebSocketMessage> outbound = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Empty<Void> gone = Sinks.empty();
    private final Sinks.Empty<Void> closing = Sinks.empty();
    private final Map<String, SubscriptionKey> subscriptions = new ConcurrentHashMap<>();
    private long queuedBytes;
    private volatile long lastInboundNanos = System.nanoTime();
    private boolean closed;

    ClientConnection(WebSocketSession session, Network network, WebSocketMetrics metrics, long maxQueuedBytes) {
        this.session = session;
        this.network = network;
        this.metrics = metrics;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    Network network() {
        return network;
    }

    Map<String, SubscriptionKey> subscriptions() {
        return subscriptions;
    }

    /** What the socket writes; a message leaves the queue's byte count when the network layer takes it. */
    Flux<WebSocketMessage> outbound() {
        return outbound.asFlux().doOnNext(m -> taken(m.getPayload().readableByteCount()));
    }

    /**
     * Queues one JSON message. A message is always taken into an empty queue, so one large answer still goes
     * out; false when the connection is closed or has just been closed for being too slow.
     */
    boolean send(byte[] json) {
        boolean tooSlow;
        synchronized (this) {
            if (closed) {
                return false;
            }
            tooSlow = queuedBytes > 0 && queuedBytes + json.length > maxQueuedBytes;
            if (!tooSlow) {
                queuedBytes += json.length;
                outbound.tryEmitNext(new WebSocketMessage(WebSocketMessage.Type.TEXT,
                        session.bufferFactory().wrap(json)));
                metrics.message(network.name(), "out");
                return true;
            }
            closed = true;
            outbound.tryEmitComplete();
        }
        closing.tryEmitEmpty();
        metrics.slowClientDropped(network.name());
        log.info("Closing a slow WebSocket client of network {} ({}): more than {} bytes queued", network.name(),
                session.getHandshakeInfo().getRemoteAddress(), maxQueuedBytes);
        closeSession(new CloseStatus(TOO_SLOW, "too slow: outbound buffer of " + maxQueuedBytes + " bytes full"));
        return false;
    }

    /**
     * Closes the connection with {@code status}; the socket goes at the latest after the close grace period.
     * False when it was already closed or being closed.
     */
    boolean close(CloseStatus status) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            outbound.tryEmitComplete();
        }
        closing.tryEmitEmpty();
        closeSession(status);
        return true;
    }

    /**
     * The close frame goes out once the client has sent nothing for a moment: reactor-netty closes the socket
     * right after that frame, and data from the client still unread then would make the kernel reset the
     * connection, discarding the close frame (and its reason) before the client reads it.
     */
    private void closeSession(CloseStatus status) {
        Flux.interval(QUIET_CHECK)
                .filter(i -> quietNanos() > QUIET.toNanos())
                .next()
                .timeout(CLOSE_GRACE, Mono.just(0L))
                .then(session.close(status))
                .then(Mono.delay(CLOSE_GRACE))
                .subscribe(done -> dispose(), error -> dispose());
    }

    /** Called for every frame the client sends (pongs included). */
    void received() {
        lastInboundNanos = System.nanoTime();
    }

    /** How long the client has sent nothing at all, not even a pong. */
    long quietNanos() {
        return System.nanoTime() - lastInboundNanos;
    }

    /** Completes when tiergate starts closing the connection. */
    Mono<Void> closing() {
        return closing.asMono();
    }

    /** True once the connection was closed or is being closed: nothing more is sent. */
    synchronized boolean isClosing() {
        return closed;
    }

    /** The socket is gone: nothing more is queued. */
    synchronized void closed() {
        closed = true;
    }

    private synchronized void taken(int bytes) {
        queuedBytes -= bytes;
    }

    private void dispose() {
        gone.tryEmitEmpty();
    }

    /** Completes when the connection must end even though the client never completed the close handshake. */
    Mono<Void> forcedClose() {
        return gone.asMono();
    }
}
