package io.tiergate.upstream;

import java.util.List;
import java.util.Locale;

/**
 * What a JSON-RPC error from a provider means for routing (read only through {@link AnswerClassifier}): a
 * deterministic answer to hand back, an answer another provider may improve on, or a sign that this provider
 * (not the request) is in trouble. Only the last counts against the provider: whatever a client sends, its own
 * request never takes a provider out.
 */
public enum ErrorClass {
    /** The request's own answer (reverted, invalid params, nonce too low): returned as is. */
    DETERMINISTIC,
    /** The provider lacks the method; another one may have it. */
    METHOD_NOT_FOUND,
    /** Rate limit or quota hit at the provider: back off and try another. */
    RATE_LIMITED,
    /**
     * This provider cannot answer this request: data it lacks (unknown block, pruned state, header not found) or an
     * internal error on this input (an unknown tracer). Another provider may answer; if none does, this answer is
     * passed on as the node gave it. It says nothing about the provider's health.
     */
    TRY_ELSEWHERE,
    /** Trouble at the provider itself (not synced, overloaded, timing out): try another, and count it. */
    PROVIDER_FAULT;

    private static final List<String> DETERMINISTIC_HINTS = List.of(
            "revert", "out of gas", "gas required exceeds", "intrinsic gas", "nonce too", "insufficient funds",
            "already known", "known transaction", "underpriced", "max code size", "initcode size",
            "exceeds block gas limit", "invalid argument", "invalid params");
    /** Limits on the size of one query's answer (eth_getLogs ranges): the request's, not a rate limit. */
    private static final List<String> OVERSIZED_QUERY_HINTS = List.of(
            "query returned more than", "response size exceeded", "response size should not", "block range",
            "range is too large", "results exceed");
    private static final List<String> RATE_LIMIT_HINTS = List.of(
            "rate limit", "ratelimit", "rate-limit", "too many requests", "limit exceeded", "limit reached",
            "quota", "exceeded", "throttl", "capacity");
    /** Data this node does not have, or work this request made it give up: another node may do better. */
    private static final List<String> ELSEWHERE_HINTS = List.of(
            "header not found", "missing trie node", "unknown block", "block not found", "pruned",
            "state is not available", "historical state", "execution aborted");
    private static final List<String> FAULT_HINTS = List.of(
            "not synced", "syncing", "internal error", "timeout", "timed out", "unavailable", "try again",
            "overloaded", "busy");

    static ErrorClass of(int code, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        // The code decides first where it is unambiguous: a revert reason or an invalid-params text may
        // say anything ("method not found", "exceeded") and must not be read as the provider's trouble.
        if (code == 3 || code == -32602 || code == -32600) {
            return DETERMINISTIC;
        }
        if (containsAny(m, OVERSIZED_QUERY_HINTS)) {
            return DETERMINISTIC;
        }
        if (code == -32601 || (m.contains("method") && (m.contains("not found") || m.contains("does not exist")
                || m.contains("not supported") || m.contains("not available")))) {
            return METHOD_NOT_FOUND;
        }
        if (code == -32005 || code == 429) {
            return RATE_LIMITED;
        }
        if (containsAny(m, DETERMINISTIC_HINTS)) {
            return DETERMINISTIC;
        }
        if (containsAny(m, RATE_LIMIT_HINTS)) {
            return RATE_LIMITED;
        }
        if (containsAny(m, ELSEWHERE_HINTS) || code == -32603) {
            return TRY_ELSEWHERE;
        }
        if (code == -32002 || containsAny(m, FAULT_HINTS)) {
            return PROVIDER_FAULT;
        }
        return DETERMINISTIC;
    }

    private static boolean containsAny(String text, List<String> hints) {
        for (String hint : hints) {
            if (text.contains(hint)) {
                return true;
            }
        }
        return false;
    }
}
