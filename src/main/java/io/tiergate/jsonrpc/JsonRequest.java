package io.tiergate.jsonrpc;

/**
 * One valid request of a client body, as slices of that body. {@code id} is null for a
 * notification; an explicit {@code "id": null} is the raw literal {@code null}.
 */
public record JsonRequest(int index, RawJson id, String method, RawJson methodJson, RawJson params) {

    public boolean isNotification() {
        return id == null;
    }
}
