package io.tiergate.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * Puts a finished JSON body on the response as it is: one wrapped buffer, no message writer to look up
 * and no encoder between the bytes and the connection.
 */
final class Replies {

    private Replies() {
    }

    static Mono<Void> json(ServerHttpResponse response, HttpStatusCode status, byte[] body) {
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    static Mono<Void> empty(ServerHttpResponse response, HttpStatusCode status) {
        response.setStatusCode(status);
        return response.setComplete();
    }
}
