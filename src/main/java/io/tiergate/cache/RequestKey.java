package io.tiergate.cache;

import io.tiergate.jsonrpc.RawJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One read as the upstream sees it within a network: method and params bytes exactly as the client sent
 * them (never the client's id). Two clients asking the same thing share cache entries and in-flight calls.
 */
public final class RequestKey {

    private static final byte[] NO_PARAMS = new byte[0];

    private final String method;
    private final byte[] params;
    private final int hash;

    private RequestKey(String method, byte[] params) {
        this.method = method;
        this.params = params;
        this.hash = 31 * method.hashCode() + Arrays.hashCode(params);
    }

    public static RequestKey of(String method, RawJson params) {
        byte[] bytes = params == null ? NO_PARAMS
                : Arrays.copyOfRange(params.source(), params.start(), params.end());
        return new RequestKey(method, bytes);
    }

    public String method() {
        return method;
    }

    /** Bytes this key holds on to (method name and params), for the cache's byte bound. */
    int weight() {
        return method.length() + params.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestKey k && k.hash == hash && k.method.equals(method)
                && Arrays.equals(k.params, params);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return method + new String(params, StandardCharsets.UTF_8);
    }
}
