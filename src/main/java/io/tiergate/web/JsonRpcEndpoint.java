package io.tiergate.web;

import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * Takes {@code POST /} and {@code POST /{network}} straight to the {@link JsonRpcHandler}; anything else
 * goes on to Spring's handler (which answers it 404 or 405 as before).
 */
final class JsonRpcEndpoint implements HttpHandler {

    private final JsonRpcHandler handler;
    private final HttpHandler next;

    JsonRpcEndpoint(JsonRpcHandler handler, HttpHandler next) {
        this.handler = handler;
        this.next = next;
    }

    @Override
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
        if (request.getMethod() == HttpMethod.POST) {
            List<PathContainer.Element> path = request.getPath().pathWithinApplication().elements();
            if (path.size() == 1 && path.get(0) instanceof PathContainer.Separator) {
                return handler.handle(request, response, null);
            }
            // As a {network} path variable matched: one segment, percent-decoded, matrix variables cut off.
            if (path.size() == 2 && path.get(1) instanceof PathContainer.PathSegment segment
                    && !segment.valueToMatch().isEmpty()) {
                return handler.handle(request, response, segment.valueToMatch());
            }
        }
        return next.handle(request, response);
    }
}
