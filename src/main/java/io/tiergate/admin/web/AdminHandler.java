package io.tiergate.admin.web;

import io.tiergate.admin.AdminOperations;
import io.tiergate.admin.AdminException;
import io.tiergate.admin.ConcurrentChangesException;
import io.tiergate.config.NetworkDefinitions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import lombok.extern.slf4j.Slf4j;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * The admin routes' handlers: read path variables and the JSON body, check what the web layer can check
 * (well-formed JSON object, a weight within 0..1000), call {@link AdminOperations} as the authenticated caller,
 * and turn every failure into {@code {"error": ..., "detail": ...}} with its status.
 */
@Slf4j
final class AdminHandler {

    private static final MediaType TEXT_PLAIN_UTF8 = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final int DEFAULT_AUDIT_LIMIT = 100;

    private final AdminOperations operations;
    private final AdminJson json;

    AdminHandler(AdminOperations operations, AdminJson json) {
        this.operations = operations;
        this.json = json;
    }

    Mono<ServerResponse> networks(ServerRequest request) {
        return view(operations::networks);
    }

    Mono<ServerResponse> providers(ServerRequest request) {
        return view(() -> operations.providers(network(request)));
    }

    Mono<ServerResponse> provider(ServerRequest request) {
        return view(() -> operations.provider(network(request), name(request)));
    }

    Mono<ServerResponse> drain(ServerRequest request) {
        return asCaller(request, actor -> view(() -> operations.drain(network(request), name(request), actor)));
    }

    Mono<ServerResponse> setWeight(ServerRequest request) {
        return jsonObject(request).flatMap(body -> {
            int weight = weight(body.path("weight"));
            return asCaller(request,
                    actor -> view(() -> operations.setWeight(network(request), name(request), weight, actor)));
        });
    }

    Mono<ServerResponse> restoreWeight(ServerRequest request) {
        return asCaller(request, actor -> view(() -> operations.restoreWeight(network(request), name(request), actor)));
    }

    Mono<ServerResponse> reinstate(ServerRequest request) {
        return asCaller(request, actor -> view(() -> operations.reinstate(network(request), name(request), actor)));
    }

    Mono<ServerResponse> add(ServerRequest request) {
        return jsonObject(request).flatMap(body -> {
            Map<String, Object> definition = json.mapper().convertValue(body, MAP);
            return asCaller(request, actor -> view(() -> operations.add(network(request), definition, actor)));
        });
    }

    Mono<ServerResponse> remove(ServerRequest request) {
        return asCaller(request, actor -> Mono.defer(() -> operations.remove(network(request), name(request), actor))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(json::ok)
                .switchIfEmpty(Mono.defer(() -> ServerResponse.noContent().build())));
    }

    Mono<ServerResponse> audit(ServerRequest request) {
        int limit = request.queryParam("limit").map(AdminHandler::limit).orElse(DEFAULT_AUDIT_LIMIT);
        return view(() -> operations.audit(limit));
    }

    Mono<ServerResponse> status(ServerRequest request) {
        return Mono.fromCallable(operations::status)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(text -> ServerResponse.ok().contentType(TEXT_PLAIN_UTF8).bodyValue(text));
    }

    Mono<ServerResponse> noRoute(ServerRequest request) {
        return json.error(HttpStatus.NOT_FOUND, "not found",
                "no admin endpoint for " + request.method() + " " + request.path());
    }

    /** The one error shape for everything a handler or an operation throws; a stack trace only in the log. */
    Mono<ServerResponse> failure(Throwable failure, ServerRequest request) {
        if (failure instanceof AdminException e) {
            return json.error(e.status(), e.error(), e.detail());
        }
        if (failure instanceof ConcurrentChangesException e) {
            return json.error(HttpStatus.CONFLICT, "concurrent changes", e.getMessage());
        }
        if (causedBy(failure, DataBufferLimitException.class)) {
            return json.error(HttpStatus.CONTENT_TOO_LARGE, "body too large", null);
        }
        if (failure instanceof ResponseStatusException e && e.getStatusCode().is4xxClientError()) {
            return json.error(e.getStatusCode(), e.getReason() == null ? "bad request" : e.getReason(), null);
        }
        log.error("Admin request {} {} failed", request.method(), request.path(), failure);
        return json.error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error", "see the gateway log");
    }

    /** Runs an operation off the event loop (operations may take locks or wait) and answers its view as JSON. */
    private Mono<ServerResponse> view(Callable<Object> operation) {
        return Mono.fromCallable(operation)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(json::ok)
                .switchIfEmpty(Mono.defer(() -> ServerResponse.noContent().build()));
    }

    private static Mono<ServerResponse> asCaller(ServerRequest request, Function<String, Mono<ServerResponse>> action) {
        return request.principal()
                .map(Principal::getName)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("admin request without an authenticated caller")))
                .flatMap(action);
    }

    private Mono<JsonNode> jsonObject(ServerRequest request) {
        return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).map(this::parseObject);
    }

    private JsonNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = json.mapper().readTree(body);
        } catch (JacksonException e) {
            throw badValue("malformed JSON body", e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw badValue("missing body", "a JSON object is expected");
        }
        if (!node.isObject()) {
            throw badValue("body must be a JSON object", "got " + node.getNodeType().name().toLowerCase());
        }
        return node;
    }

    private static int weight(JsonNode weight) {
        String range = "weight must be a whole number from 0 to " + NetworkDefinitions.MAX_WEIGHT;
        if (weight.isMissingNode()) {
            throw badValue("invalid weight", range + " (missing)");
        }
        if (!weight.isNumber()) {
            throw badValue("invalid weight", range + " (was " + weight + ")");
        }
        BigDecimal value = weight.decimalValue();
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0
                || value.compareTo(BigDecimal.ZERO) < 0
                || value.compareTo(BigDecimal.valueOf(NetworkDefinitions.MAX_WEIGHT)) > 0) {
            throw badValue("invalid weight", range + " (was " + weight + ")");
        }
        return value.intValueExact();
    }

    private static int limit(String limit) {
        try {
            return Math.max(1, Integer.parseInt(limit.trim()));
        } catch (NumberFormatException e) {
            throw badValue("invalid limit", "limit must be a whole number (was " + limit + ")");
        }
    }

    private static String network(ServerRequest request) {
        return request.pathVariable("network");
    }

    private static String name(ServerRequest request) {
        return request.pathVariable("name");
    }

    private static AdminException badValue(String error, Object detail) {
        return new AdminException(HttpStatus.BAD_REQUEST, error, detail);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
