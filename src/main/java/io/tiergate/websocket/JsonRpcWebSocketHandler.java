package io.tiergate.websocket;

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
    private final Duration pingInterval;
    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();

    JsonRpcWebSocketHandler(NetworkRegistry networks, ClientRequests requests, WebSocketProperties properties,
            WebSocketMetrics metrics) {
        this.networks = networks;
        this.requests = requests;
        this.metrics = metrics;
        this.maxQueuedBytes = properties.outboundBuffer().toBytes();
        this.pingInterval = properties.pingInterval();
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
        Mono<Void> input = session.receive()
                // Pongs (answers to our pings) arrive here too; only data frames carry requests.
                .filter(m -> m.getType() == WebSocketMessage.Type.TEXT || m.getType() == WebSocketMessage.Type.BINARY)
                .map(JsonRpcWebSocketHandler::bytes)
                .flatMap(message -> {
                    metrics.message(network.name(), "in");
                    connection.received();
                    // A connection being closed still reads, at full speed, and drops what the client sends: data
                    // left unread when the socket closes makes the kernel reset it, losing the close frame.
                    return connection.isClosing() ? Mono.<byte[]>empty()
                            : requests.handle(connection, message).takeUntilOther(connection.closing());
                }, CONCURRENT_REQUESTS)
                .doOnNext(connection::send)
                .then();
        return Mono.firstWithSignal(input, output.then(Mono.never()), connection.forcedClose())
                .doFinally(signal -> {
                    connection.closed();
                    open.remove(connection);
                    requests.closed(connection);
                    metrics.connectionClosed(network.name());
                });
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
