package io.tiergate.rpc;

import io.tiergate.routing.RoutingResult;
import java.nio.ByteBuffer;

/**
 * The service's answer to one client message, for a transport to write: the body as parts to send one after
 * the other (null when nothing is owed), the HTTP status it maps to, the routing of a single routed call (for
 * HTTP's routing headers; null otherwise) and whether the message was a single notification, which only HTTP
 * answers (it owes every request a response; a socket owes a notification nothing).
 */
public record RpcReply(int status, ByteBuffer[] body, RoutingResult routing, boolean notification) {

    static RpcReply of(int status, byte[] body, boolean notification) {
        return new RpcReply(status, new ByteBuffer[] {ByteBuffer.wrap(body)}, null, notification);
    }

    /** The body in one array (for a transport that sends one message): copied only when it is in parts. */
    public byte[] toByteArray() {
        if (body.length == 1 && body[0].hasArray() && body[0].arrayOffset() == 0 && body[0].position() == 0
                && body[0].remaining() == body[0].array().length) {
            return body[0].array();
        }
        int length = 0;
        for (ByteBuffer part : body) {
            length += part.remaining();
        }
        byte[] out = new byte[length];
        int at = 0;
        for (ByteBuffer part : body) {
            int n = part.remaining();
            part.duplicate().get(out, at, n);
            at += n;
        }
        return out;
    }
}
