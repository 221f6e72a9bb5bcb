package io.tiergate.websocket;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import lombok.extern.slf4j.Slf4j;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A client's WebSocket on {@code /} (default network) or {@code /{network}}: each text message is a JSON-RPC
 * request or batch, answered on the socket; subscriptions push notifications through the same bounded queue.
 */
@Slf4j
final class JsonRpcWebSocketHandler implements WebSocketHandler {

    /** Requests of one connection routed at the same time; answers may come back out of order, as over any socket. */
    private static final int CONCURRENT_REQUESTS = 32;

    private final NetworkRegistry networks;
    private final ClientRequests requests;
    private final WebSocketMetrics metrics;
    private final long maxQueuedBytes;
    private final long maxMessageSize;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();

    JsonRpcWebSocketHandler(NetworkRegistry networks, ClientRequests requests, WebSocketProperties properties,
            WebSocketMetrics metrics) {
        this.networks = networks;
        this.requests = requests;
        this.metrics = metrics;
        this.maxQueuedBytes = properties.outboundBuffer().toBytes();
        this.maxMessageSize = properties.maxMessageSize().toBytes();
        this.pingInterval = properties.clientPingInterval();
        this.pingTimeout = properties.clientPingTimeout();
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        String path = session.getHandshakeInfo().getUri().getPath();
        String name = path == null || path.length() <= 1 ? null : path.substring(1);
        Network network = name == null ? networks.defaultNetwork() : networks.find(name);
        if (network == null) {
            return session.close(new CloseStatus(CloseStatus.POLICY_VIOLATION.getCode(),
                    "unknown network '" + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'"));
        }
        ClientConnection connection = new ClientConnection(session, network, metrics, maxQueuedBytes);
        metrics.connectionOpened(network.name());
        open.add(connection);
        Flux<WebSocketMessage> pings = Flux.interval(pingInterval)
                .map(i -> session.pingMessage(factory -> factory.wrap(new byte[0])));
        Mono<Void> output = session.send(connection.outbound().mergeWith(pings));
        MessageSizeLimit limit = (MessageSizeLimit) session.getAttributes().get(MessageSizeLimit.ATTRIBUTE);
        if (limit != null) {
            limit.onDropped(connection::received);
        }
        Mono<Void> input = session.receive()
                // Every frame from the client (pongs to our pings included) shows it is there.
                .doOnNext(m -> connection.received())
                // Pongs (answers to our pings) arrive here too; only data frames carry requests.
                .filter(m -> m.getType() == WebSocketMessage.Type.TEXT || m.getType() == WebSocketMessage.Type.BINARY)
                .map(JsonRpcWebSocketHandler::bytes)
                .flatMap(message -> {
                    metrics.message(network.name(), "in");
                    // A connection being closed still reads, at full speed, and drops what the client sends: data
                    // left unread when the socket closes makes the kernel reset it, losing the close frame.
                    return connection.isClosing() ? Mono.<byte[]>empty()
                            : requests.handle(connection, message).takeUntilOther(connection.closing());
                }, CONCURRENT_REQUESTS)
                .doOnNext(connection::send)
                .then()
                // A single frame over the limit: netty's decoder has already closed the socket with 1009.
                .onErrorResume(CorruptedWebSocketFrameException.class, e -> {
                    log.info("WebSocket client of network {} ({}) closed with {}: {}", network.name(),
                            session.getHandshakeInfo().getRemoteAddress(), e.closeStatus().code(), e.getMessage());
                    if (e.closeStatus().code() == CloseStatus.TOO_BIG_TO_PROCESS.getCode()) {
                        metrics.oversizedMessage(network.name());
                    }
                    return Mono.empty();
                });
        // The frames of one message together over max-message-size: dropped by the limit, closed here with 1009.
        Mono<Void> tooBig = limit == null ? Mono.never()
                : limit.exceeded().then(Mono.fromRunnable(() -> tooBig(connection, session))).then(Mono.never());
        // Keep-alive: a client that sends nothing at all, not even a pong, for client-ping-timeout after a ping is
        // gone (or does not speak the protocol) and is closed. Checked once per ping interval against the time of
        // the last frame, rather than a timer restarted by every message.
        long silentNanos = pingInterval.plus(pingTimeout).toNanos();
        Mono<Void> unresponsive = Flux.interval(pingInterval)
                .filter(i -> connection.quietNanos() > silentNanos)
                .next()
                .doOnNext(i -> unresponsive(connection, session))
                .then(Mono.never());
        return Mono.firstWithSignal(unresponsive, tooBig, input, output.then(Mono.never()), connection.forcedClose())
                .doFinally(signal -> {
                    connection.closed();
                    open.remove(connection);
                    requests.closed(connection);
                    metrics.connectionClosed(network.name());
                });
    }

    private void tooBig(ClientConnection connection, WebSocketSession session) {
        String network = connection.network().name();
        if (connection.close(CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big: at most " + maxMessageSize
                + " bytes"))) {
            metrics.oversizedMessage(network);
            log.info("Closing a WebSocket client of network {} ({}): a message over {} bytes", network,
                    session.getHandshakeInfo().getRemoteAddress(), maxMessageSize);
        }
    }

    private void unresponsive(ClientConnection connection, WebSocketSession session) {
        String network = connection.network().name();
        if (connection.close(CloseStatus.PROTOCOL_ERROR.withReason("no answer to pings for "
                + pingTimeout.toMillis() + " ms"))) {
            metrics.unresponsiveClient(network);
            log.info("Closing a WebSocket client of network {} ({}): nothing received, not even a pong, for {} ms "
                    + "after a ping", network, session.getHandshakeInfo().getRemoteAddress(), pingTimeout.toMillis());
        }
    }

    /** Shutdown: every client is told to go elsewhere (1001) rather than held until the grace period ends. */
    void goingAway() {
        open.forEach(c -> c.close(CloseStatus.GOING_AWAY.withReason("tiergate is shutting down")));
    }

    /** Copied out at once: the frame's buffer is released after this returns. */
    private static byte[] bytes(WebSocketMessage message) {
        DataBuffer payload = message.getPayload();
        byte[] bytes = new byte[payload.readableByteCount()];
        payload.read(bytes);
        return bytes;
    }
}
