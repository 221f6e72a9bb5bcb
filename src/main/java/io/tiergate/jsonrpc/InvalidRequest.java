package io.tiergate.jsonrpc;

/** A request object that is well-formed JSON but not a valid JSON-RPC request. */
public record InvalidRequest(int index, RawJson id, String reason) {
}
