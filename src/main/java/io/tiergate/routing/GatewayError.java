package io.tiergate.routing;

import io.tiergate.jsonrpc.RawJson;

/** An error tiergate answers itself for one request, with the HTTP status it maps to when alone. */
public record GatewayError(int code, String message, RawJson data, int httpStatus) {
}
