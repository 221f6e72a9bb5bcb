package io.tiergate.routing;

import java.util.Set;

/**
 * Methods whose effect must not happen twice. They are sent to another provider only when the
 * first surely did not receive them (connection refused, rate-limited, never sent).
 */
public final class WriteMethods {

    private static final Set<String> RAW_TRANSACTIONS = Set.of(
            "eth_sendRawTransaction", "eth_sendRawTransactionConditional");
    private static final Set<String> WRITES = Set.of(
            "eth_sendRawTransaction", "eth_sendRawTransactionConditional", "eth_sendTransaction",
            "eth_sendBundle", "eth_sendPrivateTransaction", "eth_sendPrivateRawTransaction");

    private WriteMethods() {
    }

    public static boolean isWrite(String method) {
        return WRITES.contains(method);
    }

    /** A signed transaction: its hash is known from its bytes, so broadcasting it many times is safe. */
    public static boolean isRawTransaction(String method) {
        return RAW_TRANSACTIONS.contains(method);
    }
}
