package io.tiergate.routing;

import io.tiergate.jsonrpc.BlockParams;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.ErrorClass;
import io.tiergate.upstream.Outcome;
import java.util.List;

/**
 * One slot per request of a client body: what it was answered, or why not, and whether it still waits. A
 * provider's answers are matched to the slots by the gateway's own ids, and each answer is judged by the
 * classifier's {@link ErrorClass}: passed on, kept as a fallback, or failed over.
 */
final class AnswerSlots {

    private final Network network;
    private final List<JsonRequest> requests;
    private final boolean batch;
    private final AttemptNotes notes;
    private final UpstreamAnswer[] answers;
    private final UpstreamAnswer[] fallbacks;
    private final GatewayError[] errors;
    private final boolean[] settled;
    private final boolean[] sent;
    private int pending;
    private boolean resendWrites;
    private Provider answeredBy;
    private Provider fallbackProvider;

    AnswerSlots(Network network, List<JsonRequest> requests, boolean batch, AttemptNotes notes) {
        this.network = network;
        this.requests = requests;
        this.batch = batch;
        this.notes = notes;
        int n = requests.size();
        this.answers = new UpstreamAnswer[n];
        this.fallbacks = new UpstreamAnswer[n];
        this.errors = new GatewayError[n];
        this.settled = new boolean[n];
        this.sent = new boolean[n];
        this.pending = n;
    }

    void resendWrites() {
        resendWrites = true;
    }

    int pending() {
        return pending;
    }

    /** False when every pending request is a notification. */
    boolean awaitsAnswers() {
        for (int i = 0; i < requests.size(); i++) {
            if (!settled[i] && !requests.get(i).isNotification()) {
                return true;
            }
        }
        return false;
    }

    /** True while some pending request has no "method not found" answer to fall back on. */
    boolean anyWithoutFallback() {
        for (int i = 0; i < requests.size(); i++) {
            if (!settled[i] && fallbacks[i] == null) {
                return true;
            }
        }
        return false;
    }

    /** The refusal of {@code methods} for the last pending request it refuses, or null when it serves one. */
    ProviderMethods.Refusal refusal(ProviderMethods methods) {
        ProviderMethods.Refusal refusal = null;
        for (int i = 0; i < requests.size(); i++) {
            if (!settled[i]) {
                refusal = methods.refusal(requests.get(i).method());
                if (refusal == null) {
                    return null;
                }
            }
        }
        return refusal;
    }

    /** Picks the pending requests {@code provider} serves for the next attempt; returns how many. */
    int prepare(Provider provider) {
        int count = 0;
        ProviderMethods methods = provider.methods();
        for (int i = 0; i < requests.size(); i++) {
            sent[i] = !settled[i] && methods.serves(requests.get(i).method());
            if (sent[i]) {
                count++;
            }
        }
        return count;
    }

    byte[] upstreamBody() {
        return UpstreamBody.of(requests, sent, pending, batch);
    }

    /** What a provider's parsed answer means for each pending request, and for the provider. */
    Verdict apply(Provider provider, List<UpstreamAnswer> received) {
        Verdict verdict = new Verdict();
        // A lone error without an id answers no request: it speaks about the provider (a rate limit,
        // a bad API key, a body it refused), so it is never handed to a client as the request's answer.
        if (received.size() == 1 && received.get(0).id() < 0 && received.get(0).isError()) {
            UpstreamAnswer lone = received.get(0);
            int only = batch ? -1 : onlySent();
            if (only >= 0 && AnswerClassifier.rejectsRequest(lone)) {
                // The node could not read the one request it was sent (a lone surrogate, nesting too deep): that is
                // the request's answer, as the node gave it, and no fault of the provider.
                answered(only, lone, provider);
                verdict.answeredWithError();
            } else {
                verdict.providerError(lone, ProviderErrors.reason(provider, lone));
            }
            return verdict;
        }
        UpstreamAnswer[] byPosition = new UpstreamAnswer[requests.size()];
        for (UpstreamAnswer a : received) {
            int i = (int) Math.min(Integer.MAX_VALUE, a.id() - 1);
            if (a.id() < 1 || i >= byPosition.length || !sent[i] || settled[i] || requests.get(i).isNotification()) {
                // An answer to something not asked: the provider (or a proxy before it) mixed answers up, so none
                // of this body is trusted, not even the answers that look right.
                verdict.mismatched(batch ? "answer for a request not sent (id " + a.id() + ")" : "answer with another id");
                return verdict;
            }
            if (byPosition[i] != null) {
                verdict.mismatched("two answers for one request (id " + a.id() + ")");
                return verdict;
            }
            byPosition[i] = a;
        }
        int missing = 0;
        for (int i = 0; i < requests.size(); i++) {
            if (!sent[i] || settled[i]) {
                continue;
            }
            if (requests.get(i).isNotification()) {
                settle(i, null, null);
            } else if (byPosition[i] != null) {
                take(provider, i, byPosition[i], verdict);
            } else {
                missing++;
                if (holdsBack(requests.get(i))) {
                    settle(i, null, notes.maybeSent(provider, "no answer for it"));
                }
            }
        }
        if (missing > 0) {
            verdict.mismatched(batch ? "answer missing for " + missing + " request(s)" : "answer with another id");
        }
        return verdict;
    }

    /** The one request sent in the last attempt (a notification never gets an answer), or -1. */
    private int onlySent() {
        int only = -1;
        for (int i = 0; i < requests.size(); i++) {
            if (sent[i] && !settled[i]) {
                if (only >= 0 || requests.get(i).isNotification()) {
                    return -1;
                }
                only = i;
            }
        }
        return only;
    }

    private void take(Provider provider, int i, UpstreamAnswer answer, Verdict verdict) {
        if (!answer.isError()) {
            answered(i, answer, provider);
            // An eth_blockNumber answer is a free head report: it keeps lag current between probes.
            long head = "eth_blockNumber".equals(requests.get(i).method()) ? BlockParams.quantityOf(answer.result()) : -1;
            if (head >= 0) {
                network.heads().observe(provider, head);
            }
            return;
        }
        ErrorClass kind = AnswerClassifier.classify(answer);
        boolean write = WriteMethods.isWrite(requests.get(i).method());
        boolean passedOn = kind == ErrorClass.DETERMINISTIC || kind == ErrorClass.METHOD_NOT_FOUND
                || kind == ErrorClass.TRY_ELSEWHERE || kind == ErrorClass.PROVIDER_FAULT && write;
        if (passedOn && ProviderErrors.revealSecret(provider, answer)) {
            // An answer that shows the provider's own credentials ("invalid API key <key>") is about the provider,
            // and it must not reach the client: the request fails over (a transaction is not sent twice).
            String reason = ProviderErrors.reason(provider, answer) + " (answer shows the provider's credentials)";
            if (write) {
                settle(i, null, notes.maybeSent(provider, reason));
            } else {
                verdict.fault(Outcome.Fault.REVEALS_SECRET, reason);
            }
            return;
        }
        switch (kind) {
            case DETERMINISTIC -> {
                answered(i, answer, provider);
                verdict.answeredWithError();
            }
            case METHOD_NOT_FOUND -> {
                fallbacks[i] = answer;
                fallbackProvider = provider;
                provider.methods().methodNotFound(requests.get(i).method());
                verdict.note("method not found");
            }
            case RATE_LIMITED -> verdict.providerError(answer, ProviderErrors.reason(provider, answer));
            case TRY_ELSEWHERE -> {
                if (write) {
                    answered(i, answer, provider);
                    verdict.answeredWithError();
                } else {
                    // Another provider may have the block or state; if none does, the node's answer is the answer.
                    fallbacks[i] = answer;
                    fallbackProvider = provider;
                    verdict.note(ProviderErrors.reason(provider, answer));
                }
            }
            case PROVIDER_FAULT -> {
                if (write) {
                    // The provider answered the transaction itself: its word is final.
                    answered(i, answer, provider);
                } else {
                    verdict.fault(Outcome.Fault.ERROR_ANSWER, ProviderErrors.reason(provider, answer));
                }
            }
        }
    }

    /** After a failure that may have delivered them, writes sent to {@code provider} are not sent elsewhere. */
    void holdBackWrites(Provider provider, String reason) {
        for (int i = 0; i < requests.size(); i++) {
            if (sent[i] && !settled[i] && holdsBack(requests.get(i))) {
                settle(i, null, notes.maybeSent(provider, reason));
            }
        }
    }

    /** A write that may have reached a provider is not sent to another, unless it may be resent. */
    private boolean holdsBack(JsonRequest request) {
        String method = request.method();
        return WriteMethods.isWrite(method) && !(resendWrites && WriteMethods.isRawTransaction(method));
    }

    /** Every request sent in the last attempt gets {@code error}, once. */
    void failSent(GatewayError error) {
        for (int i = 0; i < requests.size(); i++) {
            if (sent[i] && !settled[i]) {
                settle(i, null, error);
            }
        }
    }

    /** The requests' answers and errors: fallbacks stand in for the unanswered, the rest get one error. */
    RoutingResult result(boolean deadlinePassed) {
        GatewayError failure = null;
        for (int i = 0; i < requests.size(); i++) {
            if (settled[i]) {
                continue;
            }
            if (fallbacks[i] != null) {
                answers[i] = fallbacks[i];
                if (answeredBy == null) {
                    answeredBy = fallbackProvider;
                }
            } else {
                GatewayError unserved = deadlinePassed ? null : notes.methodError(requests.get(i).method());
                if (unserved != null) {
                    errors[i] = unserved;
                    continue;
                }
                // Every other unanswered request of the body failed for the same reasons: one error, built once.
                if (failure == null) {
                    failure = deadlinePassed ? notes.deadline() : notes.noProvider();
                }
                errors[i] = failure;
            }
        }
        return new RoutingResult(requests, answers, errors, answeredBy, notes.attempts());
    }

    private void answered(int i, UpstreamAnswer answer, Provider provider) {
        settle(i, answer, null);
        answeredBy = provider;
    }

    private void settle(int i, UpstreamAnswer answer, GatewayError error) {
        settled[i] = true;
        answers[i] = answer;
        errors[i] = error;
        pending--;
    }
}
