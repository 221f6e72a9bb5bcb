package io.tiergate.admin.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** JSON in and out of the admin API, including its one error shape {@code {"error": "...", "detail": ...}}. */
final class AdminJson {

    private final JsonMapper mapper;

    AdminJson(JsonMapper mapper) {
        this.mapper = mapper;
    }

    JsonMapper mapper() {
        return mapper;
    }

    Mono<ServerResponse> ok(Object view) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(mapper.writeValueAsBytes(view));
    }

    Mono<ServerResponse> error(HttpStatusCode status, String error, Object detail) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(errorBytes(error, detail));
    }

    /** Writes the error directly, for the security filters that answer before any route. */
    Mono<Void> write(ServerHttpResponse response, HttpStatusCode status, String error, Object detail) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        DataBuffer body = response.bufferFactory().wrap(errorBytes(error, detail));
        return response.writeWith(Mono.just(body));
    }

    private byte[] errorBytes(String error, Object detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        return mapper.writeValueAsBytes(body);
    }
}
