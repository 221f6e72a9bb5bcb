package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.RawJson;
import java.util.List;

/** The body of one attempt: the requests sent to it, with the gateway's own ids (position + 1). */
final class UpstreamBody {

    private UpstreamBody() {
    }

    /** {@code pins}: null, or the filter calls whose params carry the provider's own filter id. */
    static byte[] of(List<JsonRequest> requests, boolean[] sent, int pending, boolean batch, FilterPins pins) {
        JsonBytes out = new JsonBytes(64 * pending + 64);
        if (batch) {
            out.writeByte('[');
        }
        boolean first = true;
        for (int i = 0; i < requests.size(); i++) {
            if (!sent[i]) {
                continue;
            }
            if (!first) {
                out.writeByte(',');
            }
            first = false;
            JsonRequest r = requests.get(i);
            out.ascii("{\"jsonrpc\":\"2.0\",");
            if (!r.isNotification()) {
                out.ascii("\"id\":").number(i + 1).writeByte(',');
            }
            out.ascii("\"method\":").write(r.methodJson());
            RawJson params = pins == null ? r.params() : pins.params(i, r);
            if (params != null) {
                out.ascii(",\"params\":").write(params);
            }
            out.writeByte('}');
        }
        if (batch) {
            out.writeByte(']');
        }
        return out.toByteArray();
    }

    /** The one request sent in the last attempt (a notification never gets an answer), or -1. */
    static int onlySent(List<JsonRequest> requests, boolean[] sent, boolean[] settled) {
        int only = -1;
        for (int i = 0; i < requests.size(); i++) {
            if (sent[i] && !settled[i]) {
                if (only >= 0 || requests.get(i).isNotification()) {
                    return -1;
                }
                only = i;
            }
        }
        return only;
    }
}
