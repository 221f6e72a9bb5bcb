package io.tiergate.web;

import io.netty.handler.timeout.ReadTimeoutException;
import io.tiergate.config.TiergateProperties;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.routing.RouteOptions;
import io.tiergate.routing.RoutingResult;
import io.tiergate.rpc.JsonRpcService;
import io.tiergate.rpc.RpcReply;
import io.tiergate.rpc.SessionMethods;
import io.tiergate.server.ServerLimitsProperties;
import io.tiergate.server.ServerMetrics;
import lombok.extern.slf4j.Slf4j;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.util.DisconnectedClientHelper;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * JSON-RPC over HTTP: checks what only HTTP has (the network in the path, the content type, the body's size, the
 * cache headers), reads the body (bounded), hands it to the {@link JsonRpcService} and writes its reply straight
 * onto the response as bytes, with the reply's status and the routing headers.
 */
@Slf4j
@Component
public class JsonRpcHandler {

    private static final int MAX_ECHO = 64;
    private static final String PROVIDER_HEADER = "X-Tiergate-Provider";
    private static final String TIER_HEADER = "X-Tiergate-Tier";
    private static final String ATTEMPTS_HEADER = "X-Tiergate-Attempts";

    private final NetworkRegistry networks;
    private final JsonRpcService service;
    private final int maxRequestBytes;
    private final long discardLimit;
    private final String maxRequestSizeText;
    private final boolean routingHeaders;
    private final RequestMetrics metrics;
    private final ServerMetrics serverMetrics;

    public JsonRpcHandler(NetworkRegistry networks, JsonRpcService service, TiergateProperties properties,
            RequestMetrics metrics, ServerMetrics serverMetrics, ServerLimitsProperties limits) {
        this.networks = networks;
        this.metrics = metrics;
        this.serverMetrics = serverMetrics;
        this.service = service;
        this.maxRequestBytes = (int) properties.maxRequestSize().toBytes();
        this.maxRequestSizeText = properties.maxRequestSize().toString();
        this.discardLimit = limits.discardLimit().toBytes();
        this.routingHeaders = properties.routingHeaders();
    }

    /** {@code networkName}: the {network} of the path, or null for the default network. */
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response, String networkName) {
        Network network = networkName == null ? networks.defaultNetwork() : networks.find(networkName);
        if (network == null) {
            return error(response, HttpStatus.NOT_FOUND, JsonRpcError.UNKNOWN_NETWORK,
                    "unknown network '" + clip(networkName) + "'");
        }
        HttpHeaders headers = request.getHeaders();
        if (!ContentTypes.acceptable(headers)) {
            return error(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, JsonRpcError.INVALID_REQUEST,
                    "unsupported content type: send application/json");
        }
        if (headers.getContentLength() > maxRequestBytes) {
            // Expect: 100-continue: the client waits for the answer before sending the body, nothing to drain
            return headers.getFirst(HttpHeaders.EXPECT) == null
                    ? BoundedBody.discard(request.getBody(), discardLimit).then(Mono.defer(() -> tooLarge(response)))
                            .onErrorResume(BoundedBody.Undrained.class, e -> tooLargeAndClose(response))
                    : tooLarge(response);
        }
        long start = System.nanoTime();
        RouteOptions options = RouteOptions.fromHeaders(headers.getOrEmpty("Cache-Control"), headers.getOrEmpty("Pragma"));
        return BoundedBody.read(request.getBody(), maxRequestBytes, discardLimit, headers.getContentLength())
                .flatMap(body -> service.serve(network, body, options, SessionMethods.NONE, start))
                .flatMap(reply -> write(response, reply))
                .onErrorResume(BoundedBody.Undrained.class, e -> tooLargeAndClose(response))
                .onErrorResume(DataBufferLimitException.class, e -> tooLarge(response))
                .onErrorResume(ReadTimeoutException.class, e -> bodyTimedOut(response))
                .onErrorResume(e -> failed(network, response, e));
    }

    /** The service's reply as the HTTP response: its status, the routing headers of a single routed call. */
    private Mono<Void> write(ServerHttpResponse response, RpcReply reply) {
        if (reply.routing() != null) {
            routingHeaders(response, reply.routing());
        }
        HttpStatus status = HttpStatus.valueOf(reply.status());
        return reply.body() == null ? Replies.empty(response, status) : Replies.json(response, status, reply.body());
    }

    private void routingHeaders(ServerHttpResponse response, RoutingResult result) {
        if (routingHeaders) {
            HttpHeaders headers = response.getHeaders();
            headers.set(ATTEMPTS_HEADER, Integer.toString(result.attempts()));
            if (result.answeredBy() != null) {
                headers.set(PROVIDER_HEADER, result.answeredBy().name());
                headers.set(TIER_HEADER, result.answeredBy().tier());
            }
        }
    }

    private Mono<Void> tooLarge(ServerHttpResponse response) {
        return error(response, HttpStatus.CONTENT_TOO_LARGE, JsonRpcError.INVALID_REQUEST,
                "request body larger than " + maxRequestSizeText);
    }

    /** The rest of the body is still coming and will not be read: the connection closes after the answer. */
    private Mono<Void> tooLargeAndClose(ServerHttpResponse response) {
        response.getHeaders().set(HttpHeaders.CONNECTION, "close");
        return tooLarge(response);
    }

    /** The body stalled past tiergate.server.body-timeout: answered as nginx does; the connection then closes. */
    private Mono<Void> bodyTimedOut(ServerHttpResponse response) {
        serverMetrics.bodyTimeout();
        return error(response, HttpStatus.REQUEST_TIMEOUT, JsonRpcError.INVALID_REQUEST, "request body not received in time");
    }

    /** A bug or a broken connection: the client gets a JSON-RPC error while the response can still carry one. */
    private Mono<Void> failed(Network network, ServerHttpResponse response, Throwable e) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // Nobody is left to answer: not a server error, and no stack trace per vanished client.
            metrics.request(network.name(), "other", "client_gone");
            log.debug("Client of network {} went away before its answer: {}", network.name(), e.toString());
            return Mono.empty();
        }
        if (response.isCommitted()) {
            return Mono.error(e);
        }
        log.error("JSON-RPC request failed", e);
        return error(response, HttpStatus.INTERNAL_SERVER_ERROR, JsonRpcError.INTERNAL_ERROR, "internal error");
    }

    private static Mono<Void> error(ServerHttpResponse response, HttpStatus status, int code, String message) {
        return Replies.json(response, status, JsonRpcError.single(RawJson.NULL, code, message));
    }

    /** Client text echoed in an error message, cut to a sane length. */
    private static String clip(String text) {
        return text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text;
    }
}
