package io.tiergate.web;

import io.tiergate.jsonrpc.InvalidRequest;
import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.ParsedBody;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.ResponseWriter;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.routing.GatewayError;
import io.tiergate.routing.RoutingResult;
import java.util.List;

/** Puts a batch back together in client order: provider answers, gateway errors, per-item rejections. */
final class RoutingResultWriter {

    static final RoutingResult EMPTY = new RoutingResult(List.of(), new UpstreamAnswer[0], new GatewayError[0], null, 0);
    private static final int MAX_ECHO = 64;

    /** {@code body} is null when every item was a notification: nothing is returned for those. */
    record Batch(int status, JsonBytes body) {
    }

    private RoutingResultWriter() {
    }

    static Batch batch(ParsedBody parsed, RoutingResult result, List<JsonRequest> denied) {
        int size = parsed.size();
        // Each slot holds what to write at that position; null for notifications.
        Object[] slots = new Object[size];
        int estimate = 2;
        for (InvalidRequest invalid : parsed.invalid()) {
            slots[invalid.index()] = invalid;
            estimate += 128;
        }
        for (JsonRequest r : denied) {
            if (!r.isNotification()) {
                slots[r.index()] = r;
                estimate += 128;
            }
        }
        boolean anyAnswer = !parsed.invalid().isEmpty() || !denied.isEmpty();
        int gatewayStatus = 0;
        List<JsonRequest> requests = result.requests();
        for (int i = 0; i < requests.size(); i++) {
            JsonRequest r = requests.get(i);
            if (r.isNotification()) {
                continue;
            }
            UpstreamAnswer answer = result.answers()[i];
            if (answer != null) {
                slots[r.index()] = new Answered(r.id(), answer);
                estimate += answer.isError() ? 256 : answer.result().length() + 64;
                anyAnswer = true;
            } else {
                GatewayError error = result.errors()[i];
                slots[r.index()] = new Failed(r.id(), error);
                estimate += 256 + error.message().length();
                gatewayStatus = Math.max(gatewayStatus, error.httpStatus());
            }
        }
        JsonBytes out = new JsonBytes(estimate);
        out.writeByte('[');
        boolean first = true;
        for (Object slot : slots) {
            if (slot == null) {
                continue;
            }
            if (!first) {
                out.writeByte(',');
            }
            first = false;
            if (slot instanceof Answered a) {
                ResponseWriter.writeAnswer(out, a.id(), a.answer());
            } else if (slot instanceof Failed f) {
                JsonRpcError.write(out, f.id(), f.error().code(), f.error().message(), f.error().data());
            } else if (slot instanceof InvalidRequest invalid) {
                JsonRpcError.write(out, invalid.id(), JsonRpcError.INVALID_REQUEST, invalid.reason(), null);
            } else if (slot instanceof JsonRequest r) {
                JsonRpcError.write(out, r.id(), JsonRpcError.METHOD_NOT_FOUND, "method not allowed: " + clip(r.method()),
                        null);
            }
        }
        if (first) {
            return new Batch(204, null);
        }
        out.writeByte(']');
        // A batch where nothing got an answer fails as a whole; otherwise per-item errors suffice.
        return new Batch(anyAnswer || gatewayStatus == 0 ? 200 : gatewayStatus, out);
    }

    /** Client text echoed in an error message, cut to a sane length. */
    static String clip(String text) {
        return text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text;
    }

    private record Answered(RawJson id, UpstreamAnswer answer) {
    }

    private record Failed(RawJson id, GatewayError error) {
    }
}
