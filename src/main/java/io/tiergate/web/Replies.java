package io.tiergate.web;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Puts a finished JSON body on the response as it is, with no message writer to look up and no encoder
 * between the bytes and the connection: small bodies wrapped, large ones copied once into direct memory.
 */
final class Replies {

    /** From this size on a body goes out from one direct buffer filled here (see {@link #json}). */
    static final int COPIED_BODY_BYTES = 64 * 1024;

    private Replies() {
    }

    static Mono<Void> json(ServerHttpResponse response, HttpStatusCode status, byte[] body) {
        return json(response, status, ByteBuffer.wrap(body));
    }

    /**
     * The body is {@code parts} one after the other. A small body is written as wrapped heap buffers (one per
     * part: Netty copies each straight into a direct buffer for the socket, while a composite of several would
     * first be merged on the heap). A large one is copied once into a single direct buffer here, the copy Netty
     * would make anyway: then nothing on the heap stays referenced while a slow client reads the body. Wrapped,
     * the provider's body stayed reachable from the write until its last part went out, so under load many of
     * them lived through young collections, were promoted and filled the old generation (full collections of
     * ~100 ms every ~0.6 s with the README's 192 MiB heap and 32 clients of 1 MiB answers).
     */
    static Mono<Void> json(ServerHttpResponse response, HttpStatusCode status, ByteBuffer... parts) {
        DataBufferFactory factory = response.bufferFactory();
        long length = 0;
        for (ByteBuffer part : parts) {
            length += part.remaining();
        }
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(length);
        if (length >= COPIED_BODY_BYTES && factory instanceof NettyDataBufferFactory netty) {
            ByteBuf body = netty.getByteBufAllocator().directBuffer((int) length);
            for (ByteBuffer part : parts) {
                body.writeBytes(part.duplicate());
            }
            return response.writeWith(Mono.just(netty.wrap(body)));
        }
        if (parts.length == 1) {
            return response.writeWith(Mono.just(factory.wrap(parts[0])));
        }
        DataBuffer[] buffers = new DataBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            buffers[i] = factory.wrap(parts[i]);
        }
        return response.writeWith(Flux.fromArray(buffers));
    }

    static Mono<Void> empty(ServerHttpResponse response, HttpStatusCode status) {
        response.setStatusCode(status);
        return response.setComplete();
    }
}
