package io.tiergate.jsonrpc;

import java.nio.charset.StandardCharsets;

/**
 * A slice of a JSON document kept as bytes: ids, params and results travel through the gateway
 * without ever becoming an object tree.
 */
public record RawJson(byte[] source, int start, int end) {

    public static final RawJson NULL = of("null");

    public static RawJson of(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new RawJson(bytes, 0, bytes.length);
    }

    public int length() {
        return end - start;
    }

    public void writeTo(JsonBytes out) {
        out.write(source, start, end - start);
    }

    @Override
    public String toString() {
        return new String(source, start, end - start, StandardCharsets.UTF_8);
    }
}
