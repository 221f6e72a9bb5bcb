package io.tiergate.jsonrpc;

/** The body as a whole cannot be served: not JSON, empty or oversized batch, not a request. */
public class BadRequestException extends RuntimeException {

    private final int code;

    public BadRequestException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
