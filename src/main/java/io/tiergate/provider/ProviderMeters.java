package io.tiergate.provider;

import io.tiergate.policy.ProviderMethods;
import io.tiergate.upstream.Outcome;

/**
 * Where a provider's counts go: implemented by the metrics binder, which attaches one per provider when the
 * registry announces it (and takes it away on removal), so the provider never depends on metrics.
 */
public interface ProviderMeters {

    ProviderMeters NONE = new ProviderMeters() {
    };

    /** What a provider answered to a broadcast transaction. */
    enum BroadcastAnswer {
        /** It took the transaction (a hash, or "already known" / "nonce too low" for this very transaction). */
        ACCEPTED,
        /** An error for the transaction (underpriced, insufficient funds, ...). */
        REJECTED,
        /** No answer: transport failure, timeout, HTTP error, rate limit. */
        FAILED
    }

    /** One request call ended. */
    default void call(Outcome.Label outcome, long nanos) {
    }

    /** One probe ended. */
    default void probe(Outcome outcome) {
    }

    default void skipped(Availability reason) {
    }

    default void methodSkipped(ProviderMethods.Refusal reason) {
    }

    default void broadcastAnswer(BroadcastAnswer answer) {
    }
}
