package io.tiergate.transaction;

import java.util.List;
import java.util.Locale;

/**
 * What a node's error for a submitted transaction says about that transaction. Nodes word it differently
 * (geth, erigon, nethermind, besu, anvil); the ones that mean "I have it already" must never reach the client
 * as a failure, since the transaction is on its way.
 */
public enum SubmissionError {
    /** The node has this very transaction already (in its pool, or imported): an acceptance. */
    ALREADY_KNOWN,
    /**
     * The sender's nonce has moved past it: this transaction was included, or another one with its nonce was.
     * Only a lookup of the hash tells which.
     */
    NONCE_USED,
    /** Any other rejection: the node's answer stands. */
    REJECTED;

    private static final List<String> KNOWN = List.of(
            "already known", "known transaction", "already imported", "already_exists", "already exists",
            "alreadyknown", "already in the pool", "already in pool");
    private static final List<String> NONCE = List.of(
            "nonce too low", "nonce is too low", "nonce has already been used", "oldnonce");

    public static SubmissionError of(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        for (String hint : KNOWN) {
            if (m.contains(hint)) {
                return ALREADY_KNOWN;
            }
        }
        for (String hint : NONCE) {
            if (m.contains(hint)) {
                return NONCE_USED;
            }
        }
        return REJECTED;
    }
}
