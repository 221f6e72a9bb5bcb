package io.tiergate.routing;

import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.ProviderMeters.BroadcastAnswer;
import io.tiergate.provider.Provider;

/** One provider's part of a broadcast. */
record BroadcastLeg(Provider provider, BroadcastAnswer kind, UpstreamAnswer answer, String reason,
        boolean neverSent, long nanos) {

    static BroadcastLeg accepted(Attempt attempt, UpstreamAnswer answer) {
        return new BroadcastLeg(attempt.provider(), BroadcastAnswer.ACCEPTED, answer, "accepted", false,
                attempt.elapsedNanos());
    }

    static BroadcastLeg known(Attempt attempt, String hash) {
        return new BroadcastLeg(attempt.provider(), BroadcastAnswer.ACCEPTED, Acceptance.accepted(hash),
                "already had it", false, attempt.elapsedNanos());
    }

    static BroadcastLeg rejected(Attempt attempt, UpstreamAnswer answer) {
        return new BroadcastLeg(attempt.provider(), BroadcastAnswer.REJECTED, answer,
                "rejected it: " + ProviderErrors.reason(attempt.provider(), answer), false,
                attempt.elapsedNanos());
    }

    static BroadcastLeg failed(Attempt attempt, String reason, boolean neverSent) {
        return new BroadcastLeg(attempt.provider(), BroadcastAnswer.FAILED, null, reason, neverSent,
                attempt.elapsedNanos());
    }
}
