package io.tiergate.jsonrpc;

/** Writes answers for the client: its own id, the provider's result or error passed through as bytes. */
public final class ResponseWriter {

    private ResponseWriter() {
    }

    public static void writeAnswer(JsonBytes out, RawJson clientId, UpstreamAnswer answer) {
        if (!answer.isError()) {
            writeResultHead(out, clientId);
            out.write(answer.result()).writeByte('}');
            return;
        }
        out.ascii("{\"jsonrpc\":\"2.0\",\"id\":").write(clientId);
        if (isObject(answer.error())) {
            out.ascii(",\"error\":").write(answer.error());
        } else {
            // The provider sent a bare string as its error: give the client a proper error object.
            int code = answer.errorCode() == 0 ? JsonRpcError.INTERNAL_ERROR : answer.errorCode();
            out.ascii(",\"error\":{\"code\":").number(code).ascii(",\"message\":").string(answer.errorMessage())
                    .writeByte('}');
        }
        out.writeByte('}');
    }

    /**
     * An answer with a result is this head, the result's bytes, and a closing brace: written in three pieces,
     * a large result goes to the client without being copied.
     */
    public static void writeResultHead(JsonBytes out, RawJson clientId) {
        out.ascii("{\"jsonrpc\":\"2.0\",\"id\":").write(clientId).ascii(",\"result\":");
    }

    private static boolean isObject(RawJson raw) {
        return raw.length() > 0 && raw.source()[raw.start()] == '{';
    }
}
