package io.tiergate.jsonrpc;

/**
 * One response object from a provider. {@code id} is the gateway's own id (the one it sent), or
 * -1 when the provider sent none or another kind. Exactly one of {@code result} and error is set.
 */
public record UpstreamAnswer(long id, RawJson result, RawJson error, int errorCode, String errorMessage) {

    public boolean isError() {
        return result == null;
    }
}
