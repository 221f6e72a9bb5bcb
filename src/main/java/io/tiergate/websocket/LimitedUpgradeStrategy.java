package io.tiergate.websocket;

import java.util.function.Supplier;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * The upgrade of Spring's ReactorNettyRequestUpgradeStrategy, plus a {@link MessageSizeLimit} in each socket's
 * pipeline (Spring's strategy gives no access to it): frames are capped at max-message-size by netty's decoder,
 * messages made of several frames by the limit, both closing with 1009.
 */
final class LimitedUpgradeStrategy implements RequestUpgradeStrategy {

    private final int maxMessageSize;

    LimitedUpgradeStrategy(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, String subProtocol,
            Supplier<HandshakeInfo> handshakeInfoFactory) {
        ServerHttpResponse response = exchange.getResponse();
        HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        HandshakeInfo handshakeInfo = handshakeInfoFactory.get();
        NettyDataBufferFactory bufferFactory = (NettyDataBufferFactory) response.bufferFactory();
        return response.setComplete().then(Mono.defer(() -> {
            WebsocketServerSpec.Builder spec = WebsocketServerSpec.builder().maxFramePayloadLength(maxMessageSize);
            if (subProtocol != null) {
                spec.protocols(subProtocol);
            }
            return reactorResponse.sendWebsocket((in, out) -> {
                MessageSizeLimit limit = new MessageSizeLimit(maxMessageSize);
                // Before the session's receive() adds the frame aggregator, so the limit sits ahead of it.
                in.withConnection(connection -> connection.addHandlerLast(MessageSizeLimit.NAME, limit));
                ReactorNettyWebSocketSession session = new ReactorNettyWebSocketSession(in, out, handshakeInfo,
                        bufferFactory, maxMessageSize);
                session.getAttributes().put(MessageSizeLimit.ATTRIBUTE, limit);
                return handler.handle(session);
            }, spec.build());
        }));
    }
}
