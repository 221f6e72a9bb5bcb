package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import java.util.List;

/** The body of one attempt: the requests sent to it, with the gateway's own ids (position + 1). */
final class UpstreamBody {

    private UpstreamBody() {
    }

    static byte[] of(List<JsonRequest> requests, boolean[] sent, int pending, boolean batch) {
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
            if (r.params() != null) {
                out.ascii(",\"params\":").write(r.params());
            }
            out.writeByte('}');
        }
        if (batch) {
            out.writeByte(']');
        }
        return out.toByteArray();
    }
}
