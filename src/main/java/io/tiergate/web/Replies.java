package io.tiergate.web;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
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

    /** The body is {@code parts} one after the other; on Netty they go out as one composite buffer. */
    static Mono<Void> json(ServerHttpResponse response, HttpStatusCode status, ByteBuffer... parts) {
        DataBufferFactory factory = response.bufferFactory();
        DataBuffer body;
        if (parts.length == 1) {
            body = factory.wrap(parts[0]);
        } else {
            List<DataBuffer> buffers = new ArrayList<>(parts.length);
            for (ByteBuffer part : parts) {
                buffers.add(factory.wrap(part));
            }
            body = factory.join(buffers);
        }
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.readableByteCount());
        return response.writeWith(Mono.just(body));
    }

    static Mono<Void> empty(ServerHttpResponse response, HttpStatusCode status) {
        response.setStatusCode(status);
        return response.setComplete();
    }
}
