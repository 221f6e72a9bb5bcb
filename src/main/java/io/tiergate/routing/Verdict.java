package io.tiergate.routing;

import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.ErrorClass;
import io.tiergate.upstream.Outcome;
import io.tiergate.upstream.UpstreamResponse;

/** What one provider's answers say about the provider, gathered answer by answer until it is an {@link Outcome}. */
final class Verdict {

    private UpstreamAnswer limitedBy;
    private String limitReason;
    private Outcome.Fault fault;
    private String faultReason;
    private String note;
    private boolean answeredWithError;

    /** Marks that the provider answered some request with a JSON-RPC error (passed on as is). */
    void answeredWithError() {
        answeredWithError = true;
    }

    /** An error about the provider itself: a rate limit or a fault, as the classifier says. */
    void providerError(UpstreamAnswer error, String reason) {
        if (AnswerClassifier.classify(error) == ErrorClass.RATE_LIMITED) {
            limitedBy = error;
            limitReason = reason;
        } else {
            fault(Outcome.Fault.ERROR_ANSWER, reason);
        }
    }

    void mismatched(String reason) {
        fault(Outcome.Fault.MISMATCHED_ANSWER, reason);
    }

    void fault(Outcome.Fault kind, String reason) {
        if (fault == null) {
            fault = kind;
            faultReason = reason;
        }
    }

    void note(String reason) {
        note = reason;
    }

    String noteReason() {
        return note;
    }

    /** The call's outcome: a rate limit outweighs a fault, which outweighs the answers given. */
    Outcome outcome(UpstreamResponse response) {
        if (limitedBy != null) {
            return AnswerClassifier.ofProviderError(limitedBy, limitReason, response);
        }
        if (fault != null) {
            return new Outcome.ProviderFault(fault, faultReason, false);
        }
        return answeredWithError ? new Outcome.ClientError("answered with an error") : Outcome.Answered.INSTANCE;
    }
}
