package io.tiergate.web;

import java.util.Arrays;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads a request body into one array, up to {@code limit} bytes. Past the limit it goes on reading and throwing
 * away up to {@code discardLimit} more (nginx's lingering close) before failing with {@link DataBufferLimitException}:
 * a client that sends its whole body before reading then finds the 413 waiting, where a close with its body
 * still arriving would have the kernel answer with a reset that destroys the 413 before it is read. A body longer
 * still fails as soon as the discard limit is passed, and the connection is closed after the answer.
 */
final class BoundedBody {

    private static final byte[] EMPTY = new byte[0];
    /** Most allocated up front from a Content-Length: the header is the client's word, the bytes may never come. */
    private static final int MAX_PREALLOCATED = 64 * 1024;

    private final int limit;
    private final long readLimit;
    private byte[] bytes;
    private int length;
    private long received;

    private BoundedBody(int limit, long discardLimit, long expected) {
        this.limit = limit;
        this.readLimit = limit + discardLimit;
        this.bytes = expected > 0 && expected <= limit ? new byte[(int) Math.min(expected, MAX_PREALLOCATED)] : EMPTY;
    }

    /** {@code expected}: the Content-Length, or -1. */
    static Mono<byte[]> read(Flux<DataBuffer> body, int limit, long discardLimit, long expected) {
        return Mono.defer(() -> {
            BoundedBody reader = new BoundedBody(limit, discardLimit, expected);
            return body.doOnNext(reader::add).takeUntil(buffer -> reader.received > reader.readLimit)
                    .then(Mono.fromCallable(reader::result));
        });
    }

    /**
     * Only drains the body (up to the discard limit) of a request already known to be too large; fails with
     * {@link Undrained} when it is longer.
     */
    static Mono<Void> discard(Flux<DataBuffer> body, long discardLimit) {
        return read(body, 0, discardLimit, -1).onErrorResume(e -> !(e instanceof Undrained), e -> Mono.empty()).then();
    }

    /** Too large, and more of it than the discard limit: the rest is left unread and the connection must close. */
    static final class Undrained extends DataBufferLimitException {

        Undrained(String message) {
            super(message);
        }
    }

    private void add(DataBuffer buffer) {
        try {
            int count = buffer.readableByteCount();
            received += count;
            if (received <= limit) {
                if (length + count > bytes.length) {
                    bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(length + count, 2L * bytes.length)));
                }
                buffer.read(bytes, length, count);
                length += count;
            }
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private byte[] result() {
        if (received > readLimit) {
            throw new Undrained("request body over " + readLimit + " bytes");
        }
        if (received > limit) {
            throw new DataBufferLimitException("request body over " + limit + " bytes");
        }
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
}
