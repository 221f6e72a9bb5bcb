package io.tiergate.web;

import io.tiergate.config.TiergateProperties;
import io.tiergate.jsonrpc.BadRequestException;
import io.tiergate.jsonrpc.InvalidRequest;
import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.ParsedBody;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.RequestParser;
import io.tiergate.jsonrpc.ResponseWriter;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.routing.GatewayError;
import io.tiergate.routing.RequestRouter;
import io.tiergate.routing.RouteOptions;
import io.tiergate.routing.RoutingResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import lombok.extern.slf4j.Slf4j;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.util.DisconnectedClientHelper;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reads a client body (bounded), answers bad input and denied methods itself, routes the rest and
 * writes the answers back under the client's own ids, as bytes straight onto the response.
 */
@Slf4j
@Component
public class JsonRpcHandler {

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] CLOSE = {'}'};
    /**
     * From this size on a result is handed to {@link Replies} as the provider's bytes between the envelope's head and
     * tail (no heap copy into an answer buffer); below, one small copy beats three buffers. {@link Replies} then puts
     * bodies of {@link Replies#COPIED_BODY_BYTES} and more into one direct buffer, the single copy they get.
     */
    private static final int UNCOPIED_RESULT_BYTES = 16 * 1024;
    private static final String PROVIDER_HEADER = "X-Tiergate-Provider";
    private static final String TIER_HEADER = "X-Tiergate-Tier";
    private static final String ATTEMPTS_HEADER = "X-Tiergate-Attempts";

    private final NetworkRegistry networks;
    private final RequestRouter router;
    private final RequestParser parser;
    private final int maxRequestBytes;
    private final String maxRequestSizeText;
    private final boolean routingHeaders;

    private final RequestMetrics metrics;

    public JsonRpcHandler(NetworkRegistry networks, RequestRouter router, TiergateProperties properties,
            RequestMetrics metrics) {
        this.networks = networks;
        this.metrics = metrics;
        this.router = router;
        this.parser = new RequestParser(properties.maxBatchSize());
        this.maxRequestBytes = (int) properties.maxRequestSize().toBytes();
        this.maxRequestSizeText = properties.maxRequestSize().toString();
        this.routingHeaders = properties.routingHeaders();
    }

    /** {@code networkName}: the {network} of the path, or null for the default network. */
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response, String networkName) {
        Network network = networkName == null ? networks.defaultNetwork() : networks.find(networkName);
        if (network == null) {
            return error(response, HttpStatus.NOT_FOUND, JsonRpcError.UNKNOWN_NETWORK,
                    "unknown network '" + RoutingResultWriter.clip(networkName) + "'");
        }
        HttpHeaders headers = request.getHeaders();
        if (!ContentTypes.acceptable(headers)) {
            return error(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, JsonRpcError.INVALID_REQUEST,
                    "unsupported content type: send application/json");
        }
        if (headers.getContentLength() > maxRequestBytes) {
            return tooLarge(response);
        }
        long start = System.nanoTime();
        RouteOptions options = RouteOptions.fromHeaders(headers.getOrEmpty("Cache-Control"), headers.getOrEmpty("Pragma"));
        return DataBufferUtils.join(request.getBody(), maxRequestBytes)
                .map(JsonRpcHandler::drain)
                .defaultIfEmpty(EMPTY)
                .flatMap(body -> serve(network, body, start, options, response))
                .onErrorResume(DataBufferLimitException.class, e -> tooLarge(response))
                .onErrorResume(e -> failed(network, response, e));
    }

    private Mono<Void> serve(Network network, byte[] body, long start, RouteOptions options,
            ServerHttpResponse response) {
        ParsedBody parsed;
        try {
            parsed = parser.parse(body);
        } catch (BadRequestException e) {
            metrics.request(network.name(), "other", "invalid");
            return error(response, HttpStatus.BAD_REQUEST, e.code(), e.getMessage());
        }
        List<JsonRequest> forward = new ArrayList<>(parsed.requests().size());
        List<JsonRequest> denied = new ArrayList<>(0);
        for (JsonRequest r : parsed.requests()) {
            (network.policy().isAllowed(r.method()) ? forward : denied).add(r);
        }
        if (!parsed.batch()) {
            return single(network, parsed, forward, denied, start, options, response);
        }
        Mono<RoutingResult> routed = forward.isEmpty() ? Mono.just(RoutingResultWriter.EMPTY)
                : router.route(network, forward, true, options);
        return routed.flatMap(result -> {
            observe(network, parsed, denied, result, "batch", start);
            RoutingResultWriter.Batch out = RoutingResultWriter.batch(parsed, result, denied);
            if (out.body() == null) {
                return Replies.empty(response, HttpStatus.NO_CONTENT);
            }
            return Replies.json(response, HttpStatus.valueOf(out.status()), out.body().view());
        });
    }

    private Mono<Void> single(Network network, ParsedBody parsed, List<JsonRequest> forward,
            List<JsonRequest> denied, long start, RouteOptions options, ServerHttpResponse response) {
        if (!parsed.invalid().isEmpty()) {
            InvalidRequest invalid = parsed.invalid().get(0);
            metrics.request(network.name(), "other", "invalid");
            return Replies.json(response, HttpStatus.BAD_REQUEST,
                    JsonRpcError.single(invalid.id(), JsonRpcError.INVALID_REQUEST, invalid.reason()));
        }
        if (!denied.isEmpty()) {
            JsonRequest r = denied.get(0);
            metrics.request(network.name(), r.method(), "denied");
            return Replies.json(response, HttpStatus.FORBIDDEN, JsonRpcError.single(r.id(),
                    JsonRpcError.METHOD_NOT_FOUND, "method not allowed: " + RoutingResultWriter.clip(r.method())));
        }
        JsonRequest request = forward.get(0);
        return router.route(network, forward, false, options).flatMap(result -> {
            observe(network, parsed, denied, result, metrics.method(request.method()), start);
            UpstreamAnswer answer = result.answers()[0];
            GatewayError gatewayError = result.errors()[0];
            routingHeaders(response, result);
            if (request.isNotification() && gatewayError == null) {
                return Replies.empty(response, HttpStatus.NO_CONTENT);
            }
            if (answer != null) {
                return answer(response, request.id() == null ? RawJson.NULL : request.id(), answer);
            }
            JsonBytes out = new JsonBytes(512);
            JsonRpcError.write(out, request.id(), gatewayError.code(), gatewayError.message(), gatewayError.data());
            return Replies.json(response, HttpStatus.valueOf(gatewayError.httpStatus()), out.view());
        });
    }

    /** A large result goes to {@link Replies} between its envelope's head and tail as the provider sent it. */
    private static Mono<Void> answer(ServerHttpResponse response, RawJson clientId, UpstreamAnswer answer) {
        RawJson result = answer.result();
        if (result == null || result.length() < UNCOPIED_RESULT_BYTES) {
            JsonBytes out = new JsonBytes(result == null ? 256 : result.length() + 64);
            ResponseWriter.writeAnswer(out, clientId, answer);
            return Replies.json(response, HttpStatus.OK, out.view());
        }
        JsonBytes head = new JsonBytes(64 + clientId.length());
        ResponseWriter.writeResultHead(head, clientId);
        return Replies.json(response, HttpStatus.OK, head.view(),
                ByteBuffer.wrap(result.source(), result.start(), result.length()), ByteBuffer.wrap(CLOSE));
    }

    private void observe(Network network, ParsedBody parsed, List<JsonRequest> denied, RoutingResult result,
            String methodLabel, long start) {
        String name = network.name();
        for (int i = 0; i < parsed.invalid().size(); i++) {
            metrics.request(name, "other", "invalid");
        }
        for (JsonRequest r : denied) {
            metrics.request(name, r.method(), "denied");
        }
        List<JsonRequest> routed = result.requests();
        for (int i = 0; i < routed.size(); i++) {
            metrics.request(name, routed.get(i).method(), result.outcome(i));
        }
        metrics.completed(name, methodLabel, System.nanoTime() - start, result.attempts());
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

    private static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
