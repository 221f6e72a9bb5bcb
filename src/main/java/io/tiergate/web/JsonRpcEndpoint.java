package io.tiergate.web;

import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import reactor.core.publisher.Mono;

/**
 * Takes {@code POST /} and {@code POST /{network}} (a trailing slash too) straight to the {@link JsonRpcHandler},
 * with CORS as nodes send it: an allowed {@code Origin} gets {@code Access-Control-Allow-Origin}, and a preflight
 * ({@code OPTIONS} with {@code Access-Control-Request-Method}) on those paths is answered 204 with what may be
 * sent. Anything else goes on to Spring's handler (which answers it 404 or 405 as before).
 */
final class JsonRpcEndpoint implements HttpHandler {

    private final JsonRpcHandler handler;
    /** A sentinel, compared by identity: null already means the default network. */
    private static final String NOT_A_JSON_RPC_PATH = new String("");
    private final HttpHandler next;
    private final CorsConfiguration cors;

    JsonRpcEndpoint(JsonRpcHandler handler, HttpHandler next, CorsConfiguration cors) {
        this.handler = handler;
        this.next = next;
        this.cors = cors;
    }

    @Override
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
        HttpMethod method = request.getMethod();
        if (method != HttpMethod.POST && method != HttpMethod.OPTIONS) {
            return next.handle(request, response);
        }
        String network = network(request.getPath().pathWithinApplication().elements());
        if (network == NOT_A_JSON_RPC_PATH) {
            return next.handle(request, response);
        }
        String origin = request.getHeaders().getOrigin();
        String allowed = origin == null ? null : cors.checkOrigin(origin);
        if (method == HttpMethod.OPTIONS) {
            return request.getHeaders().getFirst(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) == null
                    ? next.handle(request, response) : preflight(request, response, allowed);
        }
        if (allowed != null) {
            response.getHeaders().setAccessControlAllowOrigin(allowed);
            if (!CorsConfiguration.ALL.equals(allowed)) {
                response.getHeaders().add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
            }
        }
        return handler.handle(request, response, network);
    }

    /** {@code /} (null: the default network), {@code /{network}} or {@code /{network}/}, else NOT_A_JSON_RPC_PATH. */
    private static String network(List<PathContainer.Element> path) {
        if (path.size() == 1 && path.get(0) instanceof PathContainer.Separator) {
            return null;
        }
        // As a {network} path variable matched: one segment, percent-decoded, matrix variables cut off.
        if ((path.size() == 2 || path.size() == 3 && path.get(2) instanceof PathContainer.Separator)
                && path.get(1) instanceof PathContainer.PathSegment segment && !segment.valueToMatch().isEmpty()) {
            return segment.valueToMatch();
        }
        return NOT_A_JSON_RPC_PATH;
    }

    /** 204 with what a browser may send; an origin not allowed gets no CORS header, so the browser refuses. */
    private Mono<Void> preflight(ServerHttpRequest request, ServerHttpResponse response, String allowed) {
        response.setStatusCode(HttpStatus.NO_CONTENT);
        if (allowed != null) {
            HttpHeaders headers = response.getHeaders();
            headers.setAccessControlAllowOrigin(allowed);
            headers.setAccessControlAllowMethods(List.of(HttpMethod.POST, HttpMethod.OPTIONS));
            List<String> asked = request.getHeaders().getAccessControlRequestHeaders();
            List<String> allowedHeaders = cors.checkHeaders(asked);
            if (allowedHeaders != null && !allowedHeaders.isEmpty()) {
                headers.setAccessControlAllowHeaders(allowedHeaders);
            }
            headers.setAccessControlMaxAge(cors.getMaxAge());
            if (!CorsConfiguration.ALL.equals(allowed)) {
                headers.add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
            }
        }
        return response.setComplete();
    }
}
