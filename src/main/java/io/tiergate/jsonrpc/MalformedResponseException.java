package io.tiergate.jsonrpc;

/** A provider's body is not a JSON-RPC response: empty, truncated, HTML, or the wrong shape. */
public class MalformedResponseException extends RuntimeException {

    public MalformedResponseException(String message) {
        super(message, null, false, false);
    }
}
