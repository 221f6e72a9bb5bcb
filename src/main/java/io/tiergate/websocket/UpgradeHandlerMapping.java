package io.tiergate.websocket;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends WebSocket upgrades on the JSON-RPC paths ({@code /} and {@code /{network}}) to the WebSocket handler,
 * ahead of the HTTP routes; every other request on those paths (the JSON-RPC POSTs) falls through to them.
 */
final class UpgradeHandlerMapping extends SimpleUrlHandlerMapping {

    UpgradeHandlerMapping(WebSocketHandler handler) {
        // Ahead of the JSON-RPC RouterFunctionMapping (order -1).
        super(Map.of("/", handler, "/{network}", handler), -2);
    }

    @Override
    public Mono<Object> getHandlerInternal(ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        if (!HttpMethod.GET.equals(exchange.getRequest().getMethod())
                || !"websocket".equalsIgnoreCase(headers.getUpgrade())) {
            return Mono.empty();
        }
        return super.getHandlerInternal(exchange);
    }
}
