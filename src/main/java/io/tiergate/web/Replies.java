package io.tiergate.web;

import java.nio.ByteBuffer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Puts a finished JSON body on the response as it is: wrapped, never copied, with no message writer to
 * look up and no encoder between the bytes and the connection.
 */
final class Replies {

    private Replies() {
    }

    static Mono<Void> json(ServerHttpResponse response, HttpStatusCode status, byte[] body) {
        return json(response, status, ByteBuffer.wrap(body));
    }

    /**
     * The body is {@code parts} one after the other, written as separate buffers: Netty copies each heap buffer
     * straight into the socket's direct buffer, while a composite of several would first be merged on the heap.
     */
    static Mono<Void> json(ServerHttpResponse response, HttpStatusCode status, ByteBuffer... parts) {
        DataBufferFactory factory = response.bufferFactory();
        DataBuffer[] buffers = new DataBuffer[parts.length];
        long length = 0;
        for (int i = 0; i < parts.length; i++) {
            buffers[i] = factory.wrap(parts[i]);
            length += parts[i].remaining();
        }
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(length);
        return response.writeWith(parts.length == 1 ? Mono.just(buffers[0]) : Flux.fromArray(buffers));
    }

    static Mono<Void> empty(ServerHttpResponse response, HttpStatusCode status) {
        response.setStatusCode(status);
        return response.setComplete();
    }
}
