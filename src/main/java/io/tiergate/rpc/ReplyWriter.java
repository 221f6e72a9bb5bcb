package io.tiergate.rpc;

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
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Writes the client's answers under its own ids: one call's answer, or a batch put back together in client
 * order (provider answers, gateway errors, the session's answers and per-item rejections). Results pass
 * through as the provider's bytes.
 */
final class ReplyWriter {

    static final RoutingResult EMPTY = new RoutingResult(List.of(), new UpstreamAnswer[0], new GatewayError[0], null, 0);
    private static final int MAX_ECHO = 64;
    private static final byte[] CLOSE = {'}'};
    /**
     * From this size on a result is handed on as the provider's bytes between the envelope's head and tail (no
     * heap copy into an answer buffer); below, one small copy beats three buffers.
     */
    private static final int UNCOPIED_RESULT_BYTES = 16 * 1024;

    private ReplyWriter() {
    }

    /** A routed single call: its answer (200), its gateway error (that error's status), or nothing (204). */
    static RpcReply single(JsonRequest request, RoutingResult result) {
        UpstreamAnswer answer = result.answers()[0];
        GatewayError error = result.errors()[0];
        if (request.isNotification() && error == null) {
            return new RpcReply(204, null, result, true);
        }
        if (answer != null) {
            return new RpcReply(200, answer(request.id() == null ? RawJson.NULL : request.id(), answer), result,
                    request.isNotification());
        }
        JsonBytes out = new JsonBytes(512);
        JsonRpcError.write(out, request.id(), error.code(), error.message(), error.data());
        return new RpcReply(error.httpStatus(), new ByteBuffer[] {out.view()}, result, request.isNotification());
    }

    private static ByteBuffer[] answer(RawJson clientId, UpstreamAnswer answer) {
        RawJson result = answer.result();
        if (result == null || result.length() < UNCOPIED_RESULT_BYTES) {
            JsonBytes out = new JsonBytes(result == null ? 256 : result.length() + 64);
            ResponseWriter.writeAnswer(out, clientId, answer);
            return new ByteBuffer[] {out.view()};
        }
        JsonBytes head = new JsonBytes(64 + clientId.length());
        ResponseWriter.writeResultHead(head, clientId);
        return new ByteBuffer[] {head.view(), ByteBuffer.wrap(result.source(), result.start(), result.length()),
                ByteBuffer.wrap(CLOSE)};
    }

    static RpcReply invalid(InvalidRequest invalid) {
        return RpcReply.of(400, JsonRpcError.single(invalid.id(), JsonRpcError.INVALID_REQUEST, invalid.reason()),
                false);
    }

    static RpcReply denied(JsonRequest request) {
        return RpcReply.of(403, JsonRpcError.single(request.id(), JsonRpcError.METHOD_NOT_FOUND,
                "method not allowed: " + clip(request.method())), request.isNotification());
    }

    /**
     * {@code session}: answers by position, or null. A batch where nothing got an answer fails as a whole (the
     * gateway errors' status); otherwise per-item errors suffice (200); only notifications: nothing (204).
     */
    static RpcReply batch(ParsedBody parsed, List<JsonRequest> denied, byte[][] session, RoutingResult result) {
        // Each slot holds what to write at that position; null for notifications.
        Object[] slots = new Object[parsed.size()];
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
        if (session != null) {
            for (int i = 0; i < session.length; i++) {
                if (session[i] != null) {
                    slots[i] = session[i];
                    estimate += session[i].length + 1;
                    anyAnswer = true;
                }
            }
        }
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
            write(out, slot);
        }
        if (first) {
            return new RpcReply(204, null, null, false);
        }
        out.writeByte(']');
        return new RpcReply(anyAnswer || gatewayStatus == 0 ? 200 : gatewayStatus, new ByteBuffer[] {out.view()},
                null, false);
    }

    private static void write(JsonBytes out, Object slot) {
        if (slot instanceof Answered a) {
            ResponseWriter.writeAnswer(out, a.id(), a.answer());
        } else if (slot instanceof Failed f) {
            JsonRpcError.write(out, f.id(), f.error().code(), f.error().message(), f.error().data());
        } else if (slot instanceof InvalidRequest invalid) {
            JsonRpcError.write(out, invalid.id(), JsonRpcError.INVALID_REQUEST, invalid.reason(), null);
        } else if (slot instanceof JsonRequest denied) {
            JsonRpcError.write(out, denied.id(), JsonRpcError.METHOD_NOT_FOUND,
                    "method not allowed: " + clip(denied.method()), null);
        } else if (slot instanceof byte[] json) {
            out.write(json);
        }
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
