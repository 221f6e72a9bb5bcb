package io.tiergate.routing;

import io.tiergate.jsonrpc.BlockParams;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Provider;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.ErrorClass;
import io.tiergate.upstream.Outcome;

/**
 * What one answer from a provider does to the request it answers, by the classifier's {@link ErrorClass}: a
 * result or the request's own error is passed on; "method not found" and "not here" wait as a fallback while
 * other providers are asked; a rate limit or a fault fails the request over. A write's answer is final, and an
 * answer that shows the provider's credentials never reaches the client.
 */
final class AnswerJudge {

    private AnswerJudge() {
    }

    static void take(AnswerSlots slots, Provider provider, int i, UpstreamAnswer answer, Verdict verdict) {
        JsonRequest request = slots.request(i);
        if (!answer.isError()) {
            slots.answered(i, FilterPins.tagged(request, answer, provider), provider);
            // An eth_blockNumber answer is a free head report: it keeps lag current between probes.
            long head = "eth_blockNumber".equals(request.method()) ? BlockParams.quantityOf(answer.result()) : -1;
            if (head >= 0) {
                slots.network().heads().observe(provider, head);
            }
            return;
        }
        ErrorClass kind = AnswerClassifier.classify(answer);
        boolean write = WriteMethods.isWrite(request.method());
        boolean passedOn = kind == ErrorClass.DETERMINISTIC || kind == ErrorClass.METHOD_NOT_FOUND
                || kind == ErrorClass.TRY_ELSEWHERE || kind == ErrorClass.PROVIDER_FAULT && write;
        if (passedOn && ProviderErrors.revealSecret(provider, answer)) {
            // An answer that shows the provider's own credentials ("invalid API key <key>") is about the provider,
            // and it must not reach the client: the request fails over (a transaction is not sent twice).
            String reason = ProviderErrors.reason(provider, answer) + " (answer shows the provider's credentials)";
            if (write) {
                slots.maybeSent(i, provider, reason);
            } else {
                verdict.fault(Outcome.Fault.REVEALS_SECRET, reason);
            }
            return;
        }
        switch (kind) {
            case DETERMINISTIC -> {
                slots.answered(i, answer, provider);
                verdict.answeredWithError();
            }
            case METHOD_NOT_FOUND -> {
                slots.fallback(i, answer, provider);
                provider.methods().methodNotFound(request.method());
                verdict.note("method not found");
            }
            case RATE_LIMITED -> verdict.providerError(answer, ProviderErrors.reason(provider, answer));
            case TRY_ELSEWHERE -> {
                if (write) {
                    slots.answered(i, answer, provider);
                    verdict.answeredWithError();
                } else {
                    // Another provider may have the block or state; if none does, the node's answer is the answer.
                    slots.fallback(i, answer, provider);
                    verdict.note(ProviderErrors.reason(provider, answer));
                }
            }
            case PROVIDER_FAULT -> {
                if (write) {
                    // The provider answered the transaction itself: its word is final.
                    slots.answered(i, answer, provider);
                } else {
                    verdict.fault(Outcome.Fault.ERROR_ANSWER, ProviderErrors.reason(provider, answer));
                }
            }
        }
    }
}
