package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one client request went through: how many provider calls it made and why each provider it met did not
 * answer, and the errors a client gets from that (which name providers and tiers, never URLs).
 */
final class AttemptNotes {

    private final Network network;
    private Map<Provider, String> notes;
    private int attempts;

    AttemptNotes(Network network) {
        this.network = network;
    }

    void attempted() {
        attempts++;
    }

    int attempts() {
        return attempts;
    }

    void note(Provider provider, String reason) {
        if (notes == null) {
            notes = new LinkedHashMap<>();
        }
        notes.put(provider, reason);
    }

    /** A write that may have reached {@code provider}: not sent to another, to avoid sending it twice. */
    GatewayError maybeSent(Provider provider, String reason) {
        return new GatewayError(JsonRpcError.TRANSACTION_NOT_RETRIED,
                "transaction may have reached " + provider.name() + " (" + reason
                        + "); not sent to another provider, to avoid sending it twice", summary(), 502);
    }

    GatewayError tooLarge(String message) {
        return new GatewayError(JsonRpcError.RESPONSE_TOO_LARGE, message, summary(), 502);
    }

    /**
     * For a method only some providers serve (method routing), an error that names the method and why it got
     * no answer; null for a method every provider serves.
     */
    GatewayError methodError(String method) {
        MethodCoverage coverage = MethodCoverage.of(network, method);
        if (!coverage.restricted()) {
            return null;
        }
        if (coverage.serving().isEmpty()) {
            return new GatewayError(JsonRpcError.METHOD_NOT_FOUND, coverage.unservedMessage(), summary(), 200);
        }
        String message = "no provider could answer " + method + " (served only by " + coverage.servingNames() + ")"
                + (notes == null ? "" : ": " + describe(notes));
        return new GatewayError(JsonRpcError.NO_PROVIDER, message, summary(), 503);
    }

    /** The failure of every request still unanswered, when the context ended without an answer for them. */
    GatewayError noProvider() {
        String message = notes == null ? "no provider could answer" : "no provider could answer: " + describe(notes);
        return new GatewayError(JsonRpcError.NO_PROVIDER, message, summary(), 503);
    }

    GatewayError deadline() {
        String message = "request-timeout of " + network.definition().requestTimeout().toMillis()
                + "ms passed" + (notes == null ? "" : "; tried: " + describe(notes));
        return new GatewayError(JsonRpcError.DEADLINE_EXCEEDED, message, summary(), 504);
    }

    /** "name (tier): reason; ..." for the client's error message. */
    static String describe(Map<Provider, String> notes) {
        StringBuilder out = new StringBuilder();
        notes.forEach((p, reason) -> {
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(p.name()).append(" (").append(p.tier()).append("): ").append(reason);
        });
        return out.toString();
    }

    private RawJson summary() {
        return summary(attempts, notes);
    }

    /** {@code {"attempts":n,"providers":[{"provider":..,"tier":..,"reason":..}]}}: names, never URLs. */
    static RawJson summary(int attempts, Map<Provider, String> notes) {
        JsonBytes out = new JsonBytes(256);
        out.ascii("{\"attempts\":").number(attempts).ascii(",\"providers\":[");
        if (notes != null) {
            boolean first = true;
            for (Map.Entry<Provider, String> e : notes.entrySet()) {
                out.ascii(first ? "{\"provider\":" : ",{\"provider\":").string(e.getKey().name())
                        .ascii(",\"tier\":").string(e.getKey().tier())
                        .ascii(",\"reason\":").string(e.getValue()).writeByte('}');
                first = false;
            }
        }
        out.ascii("]}");
        byte[] bytes = out.toByteArray();
        return new RawJson(bytes, 0, bytes.length);
    }
}
