package io.tiergate.cache;

import io.tiergate.jsonrpc.RawJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One read as the upstream sees it within a network: method and params bytes exactly as the client sent
 * them (never the client's id). Two clients asking the same thing share cache entries and in-flight calls.
 *
 * <p>A key made by {@link #of} is a view over the client's body: looking up the cache or joining a call in
 * flight copies nothing. Only a key the cache keeps is copied ({@link #owned}), so that it does not hold the
 * whole body alive.
 */
public final class RequestKey {

    private static final byte[] NO_PARAMS = new byte[0];

    private final String method;
    private final byte[] source;
    private final int start;
    private final int end;
    private final int hash;

    private RequestKey(String method, byte[] source, int start, int end, int hash) {
        this.method = method;
        this.source = source;
        this.start = start;
        this.end = end;
        this.hash = hash;
    }

    public static RequestKey of(String method, RawJson params) {
        if (params == null) {
            return new RequestKey(method, NO_PARAMS, 0, 0, hash(method, NO_PARAMS, 0, 0));
        }
        return new RequestKey(method, params.source(), params.start(), params.end(),
                hash(method, params.source(), params.start(), params.end()));
    }

    private static int hash(String method, byte[] bytes, int start, int end) {
        int h = 1;
        for (int i = start; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        return 31 * method.hashCode() + h;
    }

    /** This key over bytes of its own (the same key when it already has them). */
    RequestKey owned() {
        if (start == 0 && end == source.length) {
            return this;
        }
        return new RequestKey(method, Arrays.copyOfRange(source, start, end), 0, end - start, hash);
    }

    public String method() {
        return method;
    }

    /** Bytes this key holds on to (method name and params), for the cache's byte bound. */
    int weight() {
        return method.length() + end - start;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestKey k && k.hash == hash && k.method.equals(method)
                && Arrays.equals(k.source, k.start, k.end, source, start, end);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return method + new String(source, start, end - start, StandardCharsets.UTF_8);
    }
}
