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
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Reads a client body (bounded), answers bad input and denied methods itself, routes the rest and
 * writes the answers back under the client's own ids.
 */
@Component
public class JsonRpcHandler {

    private static final byte[] EMPTY = new byte[0];
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

    public Mono<ServerResponse> handleDefault(ServerRequest request) {
        return handle(request, networks.defaultNetwork());
    }

    public Mono<ServerResponse> handleNamed(ServerRequest request) {
        String name = request.pathVariable("network");
        Network network = networks.find(name);
        if (network == null) {
            return error(HttpStatus.NOT_FOUND, JsonRpcError.UNKNOWN_NETWORK,
                    "unknown network '" + RoutingResultWriter.clip(name) + "'");
        }
        return handle(request, network);
    }

    private Mono<ServerResponse> handle(ServerRequest request, Network network) {
        if (!ContentTypes.acceptable(request)) {
            return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, JsonRpcError.INVALID_REQUEST,
                    "unsupported content type: send application/json");
        }
        if (request.headers().contentLength().orElse(0) > maxRequestBytes) {
            return tooLarge();
        }
        long start = System.nanoTime();
        RouteOptions options = RouteOptions.fromHeaders(request.headers().header("Cache-Control"),
                request.headers().header("Pragma"));
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), maxRequestBytes)
                .map(JsonRpcHandler::drain)
                .defaultIfEmpty(EMPTY)
                .flatMap(body -> serve(network, body, start, options))
                .onErrorResume(DataBufferLimitException.class, e -> tooLarge());
    }

    private Mono<ServerResponse> serve(Network network, byte[] body, long start, RouteOptions options) {
        ParsedBody parsed;
        try {
            parsed = parser.parse(body);
        } catch (BadRequestException e) {
            metrics.request(network.name(), "other", "invalid");
            return error(HttpStatus.BAD_REQUEST, e.code(), e.getMessage());
        }
        List<JsonRequest> forward = new ArrayList<>(parsed.requests().size());
        List<JsonRequest> denied = new ArrayList<>(0);
        for (JsonRequest r : parsed.requests()) {
            (network.policy().isAllowed(r.method()) ? forward : denied).add(r);
        }
        if (!parsed.batch()) {
            return single(network, parsed, forward, denied, start, options);
        }
        Mono<RoutingResult> routed = forward.isEmpty() ? Mono.just(RoutingResultWriter.EMPTY)
                : router.route(network, forward, true, options);
        return routed.flatMap(result -> {
            observe(network, parsed, denied, result, "batch", start);
            RoutingResultWriter.Batch out = RoutingResultWriter.batch(parsed, result, denied);
            if (out.body() == null) {
                return ServerResponse.noContent().build();
            }
            return json(HttpStatus.valueOf(out.status())).bodyValue(out.body());
        });
    }

    private Mono<ServerResponse> single(Network network, ParsedBody parsed, List<JsonRequest> forward,
            List<JsonRequest> denied, long start, RouteOptions options) {
        if (!parsed.invalid().isEmpty()) {
            InvalidRequest invalid = parsed.invalid().get(0);
            metrics.request(network.name(), "other", "invalid");
            return json(HttpStatus.BAD_REQUEST)
                    .bodyValue(JsonRpcError.single(invalid.id(), JsonRpcError.INVALID_REQUEST, invalid.reason()));
        }
        if (!denied.isEmpty()) {
            JsonRequest r = denied.get(0);
            metrics.request(network.name(), r.method(), "denied");
            return json(HttpStatus.FORBIDDEN).bodyValue(JsonRpcError.single(r.id(), JsonRpcError.METHOD_NOT_FOUND,
                    "method not allowed: " + RoutingResultWriter.clip(r.method())));
        }
        JsonRequest request = forward.get(0);
        return router.route(network, forward, false, options).flatMap(result -> {
            observe(network, parsed, denied, result, metrics.method(request.method()), start);
            UpstreamAnswer answer = result.answers()[0];
            GatewayError gatewayError = result.errors()[0];
            ServerResponse.BodyBuilder response;
            if (request.isNotification() && gatewayError == null) {
                return withRoutingHeaders(ServerResponse.status(HttpStatus.NO_CONTENT), result).build();
            }
            JsonBytes out;
            if (answer != null) {
                out = new JsonBytes(answer.isError() ? 256 : answer.result().length() + 64);
                ResponseWriter.writeAnswer(out, request.id() == null ? RawJson.NULL : request.id(), answer);
                response = json(HttpStatus.OK);
            } else {
                out = new JsonBytes(512);
                JsonRpcError.write(out, request.id(), gatewayError.code(), gatewayError.message(), gatewayError.data());
                response = json(HttpStatus.valueOf(gatewayError.httpStatus()));
            }
            return withRoutingHeaders(response, result).bodyValue(out.toByteArray());
        });
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
            metrics.request(name, routed.get(i).method(), outcome(routed.get(i), result.answers()[i], result.errors()[i]));
        }
        metrics.completed(name, methodLabel, System.nanoTime() - start, result.attempts());
    }

    private static String outcome(JsonRequest request, UpstreamAnswer answer, GatewayError error) {
        if (error != null) {
            return switch (error.code()) {
                case JsonRpcError.DEADLINE_EXCEEDED -> "deadline";
                case JsonRpcError.TRANSACTION_NOT_RETRIED -> "not_retried";
                case JsonRpcError.RESPONSE_TOO_LARGE -> "too_large";
                default -> "no_provider";
            };
        }
        if (answer == null) {
            return "notification";
        }
        return answer.isError() ? "error" : "success";
    }

    private ServerResponse.BodyBuilder withRoutingHeaders(ServerResponse.BodyBuilder response, RoutingResult result) {
        if (routingHeaders) {
            response.header(ATTEMPTS_HEADER, Integer.toString(result.attempts()));
            if (result.answeredBy() != null) {
                response.header(PROVIDER_HEADER, result.answeredBy().name());
                response.header(TIER_HEADER, result.answeredBy().tier());
            }
        }
        return response;
    }

    private Mono<ServerResponse> tooLarge() {
        return error(HttpStatus.CONTENT_TOO_LARGE, JsonRpcError.INVALID_REQUEST,
                "request body larger than " + maxRequestSizeText);
    }

    private static Mono<ServerResponse> error(HttpStatus status, int code, String message) {
        return json(status).bodyValue(JsonRpcError.single(RawJson.NULL, code, message));
    }

    private static ServerResponse.BodyBuilder json(HttpStatus status) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON);
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
