package io.tiergate.jsonrpc;

/**
 * Error codes tiergate answers with itself. Standard JSON-RPC codes for bad input; the
 * implementation-defined range (-32000..-32099) for gateway conditions.
 */
public final class JsonRpcError {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;

    /** The requested network is not configured (EIP-1474 "resource not found"). */
    public static final int UNKNOWN_NETWORK = -32001;
    /** No provider could answer: none usable, or every attempt failed. */
    public static final int NO_PROVIDER = -32050;
    /** The request's deadline (request-timeout) passed before any provider answered. */
    public static final int DEADLINE_EXCEEDED = -32051;
    /** A transaction may have reached a provider that then failed, so it was not sent again. */
    public static final int TRANSACTION_NOT_RETRIED = -32052;
    /** The answer is larger than tiergate.max-response-size; every provider would send the same. */
    public static final int RESPONSE_TOO_LARGE = -32053;

    private JsonRpcError() {
    }

    /** Writes {@code {"jsonrpc":"2.0","id":<id>,"error":{"code":c,"message":m[,"data":d]}}}. */
    public static void write(JsonBytes out, RawJson id, int code, String message, RawJson data) {
        out.ascii("{\"jsonrpc\":\"2.0\",\"id\":").write(id == null ? RawJson.NULL : id)
                .ascii(",\"error\":{\"code\":").number(code)
                .ascii(",\"message\":").string(message);
        if (data != null) {
            out.ascii(",\"data\":").write(data);
        }
        out.ascii("}}");
    }

    public static byte[] single(RawJson id, int code, String message) {
        JsonBytes out = new JsonBytes(96 + message.length());
        write(out, id, code, message, null);
        return out.toByteArray();
    }
}
