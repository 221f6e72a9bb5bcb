package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.ErrorClass;
import java.util.List;

/**
 * One slot per request of a client body: what it was answered, or why not, and whether it still waits. A
 * provider's answers are matched to the slots by the gateway's own ids, and each answer is judged by the
 * classifier (see {@link AnswerJudge}): passed on, kept as a fallback, or failed over.
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
    private final FilterPins pins;
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
        this.pins = FilterPins.of(network, requests);
        for (int i = 0; pins != null && i < n; i++) {
            if (pins.unknown(i)) {
                settle(i, requests.get(i).isNotification() ? null : FilterPins.notFound(i, requests.get(i)), null);
            }
        }
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

    /** Whether {@code provider} takes pending request {@code i}: by its methods, and a filter call only its owner. */
    private boolean goesTo(int i, Provider provider) {
        return !settled[i] && provider.methods().serves(requests.get(i).method())
                && (pins == null || pins.allows(i, provider));
    }

    boolean servesAny(Provider provider) {
        for (int i = 0; i < requests.size(); i++) {
            if (goesTo(i, provider)) {
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
        for (int i = 0; i < requests.size(); i++) {
            sent[i] = goesTo(i, provider);
            count += sent[i] ? 1 : 0;
        }
        return count;
    }

    byte[] upstreamBody() {
        return UpstreamBody.of(requests, sent, pending, batch, pins);
    }

    /** What a provider's parsed answer means for each pending request, and for the provider. */
    Verdict apply(Provider provider, List<UpstreamAnswer> received) {
        Verdict verdict = new Verdict();
        // A lone error without an id answers no request: it speaks about the provider (a rate limit,
        // a bad API key, a body it refused), so it is never handed to a client as the request's answer.
        if (received.size() == 1 && received.get(0).id() < 0 && received.get(0).isError()) {
            UpstreamAnswer lone = received.get(0);
            int only = batch ? -1 : UpstreamBody.onlySent(requests, sent, settled);
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
                AnswerJudge.take(this, provider, i, byPosition[i], verdict);
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

    JsonRequest request(int i) {
        return requests.get(i);
    }

    Network network() {
        return network;
    }

    /** A "method not found" or "not here" answer: the answer if no other provider does better. */
    void fallback(int i, UpstreamAnswer answer, Provider provider) {
        fallbacks[i] = answer;
        fallbackProvider = provider;
    }

    /** A write whose provider's word cannot be passed on: it may have been delivered, so it goes nowhere else. */
    void maybeSent(int i, Provider provider, String reason) {
        settle(i, null, notes.maybeSent(provider, reason));
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

    /** Every request sent in the last attempt gets {@code error} (its answer was too large), once. */
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
            if (pins != null && pins.pinned(i)) {
                // The filter's provider could not be asked: to the client it is gone, as a node would say.
                answers[i] = requests.get(i).isNotification() ? null : FilterPins.notFound(i, requests.get(i));
            } else if (fallbacks[i] != null) {
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

    void answered(int i, UpstreamAnswer answer, Provider provider) {
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
