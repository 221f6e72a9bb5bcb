package io.tiergate.routing;

import io.tiergate.jsonrpc.BlockParams;
import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.selection.SelectionContext;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.ErrorClass;
import io.tiergate.upstream.Outcome;
import io.tiergate.upstream.UpstreamResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * State of one client request while it fails over: which requests still wait for an answer, which
 * providers were tried or skipped and why. Attempts run one after another, never at once. Each attempt
 * carries the pending requests its provider serves (method routing); the others wait for another provider.
 * A hedged read runs two contexts at once that share only the set of providers tried.
 */
final class RoutingContext implements SelectionContext {

    private final Network network;
    private final List<JsonRequest> requests;
    private final boolean batch;
    private final long deadlineNanos;
    private final UpstreamAnswer[] answers;
    private final UpstreamAnswer[] fallbacks;
    private final GatewayError[] errors;
    private final boolean[] settled;
    private final long requiredBlock;
    private final boolean[] sent;
    private Collection<Provider> excluded = new ArrayList<>(4);
    private List<Provider> methodSkips;
    private int maxAttempts;
    private boolean lastResortAllowed = true;
    private boolean resendWrites;
    private Provider firstProvider;
    private Consumer<Provider> onAttempt;
    private Map<Provider, String> notes;
    private int pending;
    private int attempts;
    private boolean lastResortUsed;
    private boolean deadlinePassed;
    private Provider answeredBy;
    private Provider fallbackProvider;
    private String failedTier;

    RoutingContext(Network network, List<JsonRequest> requests, boolean batch, long deadlineNanos) {
        this(network, requests, batch, deadlineNanos, requiredBlock(requests));
    }

    private RoutingContext(Network network, List<JsonRequest> requests, boolean batch, long deadlineNanos,
            long requiredBlock) {
        this.network = network;
        this.requests = requests;
        this.batch = batch;
        this.deadlineNanos = deadlineNanos;
        int n = requests.size();
        this.answers = new UpstreamAnswer[n];
        this.fallbacks = new UpstreamAnswer[n];
        this.errors = new GatewayError[n];
        this.settled = new boolean[n];
        this.sent = new boolean[n];
        this.pending = n;
        this.maxAttempts = network.definition().maxAttempts();
        this.requiredBlock = requiredBlock;
    }

    private static long requiredBlock(List<JsonRequest> requests) {
        long block = BlockParams.NONE;
        for (JsonRequest r : requests) {
            block = Math.max(block, BlockParams.requiredBlock(r.method(), r.params()));
        }
        return block;
    }

    /** Providers tried by either of two contexts running at once (a hedged read) count as tried for both. */
    RoutingContext shareTried(Collection<Provider> shared) {
        shared.addAll(excluded);
        excluded = shared;
        return this;
    }

    /** A context for the same requests with the same deadline, as a hedge runs beside the first. */
    RoutingContext twin() {
        return new RoutingContext(network, requests, batch, deadlineNanos, requiredBlock);
    }

    /** Told of each provider call as it starts. */
    RoutingContext onAttempt(Consumer<Provider> listener) {
        onAttempt = listener;
        return this;
    }

    /** At most this many provider calls (a hedge makes one). */
    RoutingContext maxAttempts(int attempts) {
        maxAttempts = attempts;
        return this;
    }

    /** No last-resort call: a hedge goes only to a usable provider. */
    RoutingContext withoutLastResort() {
        lastResortAllowed = false;
        return this;
    }

    /**
     * Transactions move on to the next provider even after a failure that may have delivered them: only for
     * signed raw transactions, which have one hash and are included once however often they are sent.
     */
    RoutingContext resendWrites() {
        resendWrites = true;
        return this;
    }

    @Override
    public long requiredBlock() {
        return requiredBlock;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** The provider of the first attempt, null before it. */
    Provider firstProvider() {
        return firstProvider;
    }

    List<JsonRequest> requests() {
        return requests;
    }

    Network network() {
        return network;
    }

    int pending() {
        return pending;
    }

    int attempts() {
        return attempts;
    }

    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    void deadlinePassed() {
        deadlinePassed = true;
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

    /**
     * Picks the pending requests {@code provider} serves for the next attempt; returns how many there are,
     * the JSON-RPC calls the attempt spends from the provider's quota.
     */
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

    @Override
    public boolean excluded(Provider provider) {
        return excluded.contains(provider);
    }

    @Override
    public boolean serves(Provider provider) {
        ProviderMethods methods = provider.methods();
        ProviderMethods.Refusal refusal = null;
        for (int i = 0; i < requests.size(); i++) {
            if (!settled[i]) {
                refusal = methods.refusal(requests.get(i).method());
                if (refusal == null) {
                    return true;
                }
            }
        }
        if (refusal != null) {
            countMethodSkip(provider, refusal);
        }
        return false;
    }

    /** Once per provider and request, however often the selector looks at it. */
    private void countMethodSkip(Provider provider, ProviderMethods.Refusal refusal) {
        if (methodSkips == null) {
            methodSkips = new ArrayList<>(4);
        }
        if (!methodSkips.contains(provider)) {
            methodSkips.add(provider);
            provider.meters().methodSkipped(refusal);
        }
    }

    @Override
    public void skipped(Provider provider, Availability why) {
        note(provider, why.reason());
        provider.meters().skipped(why);
    }

    /** The tier of the provider that failed last, once: the next attempt is a failover from it. */
    String takeFailedTier() {
        String tier = failedTier;
        failedTier = null;
        return tier;
    }

    /**
     * A last resort is there so a request does not fail with no answer at all; once a provider answered
     * every pending request with "method not found", that answer stands and no unusable provider is called.
     */
    @Override
    public boolean lastResortAvailable() {
        if (lastResortUsed || !lastResortAllowed) {
            return false;
        }
        for (int i = 0; i < requests.size(); i++) {
            if (!settled[i] && fallbacks[i] == null) {
                return true;
            }
        }
        return false;
    }

    void exclude(Provider provider, boolean lastResort) {
        excluded.add(provider);
        lastResortUsed |= lastResort;
    }

    /** Whether the upstream body is a JSON array (a client batch), so the answer must be one too. */
    boolean isBatch() {
        return batch;
    }

    void attemptStarted(Provider provider) {
        if (attempts++ == 0) {
            firstProvider = provider;
        }
        if (onAttempt != null) {
            onAttempt.accept(provider);
        }
    }

    void note(Provider provider, String reason) {
        if (notes == null) {
            notes = new LinkedHashMap<>();
        }
        notes.put(provider, reason);
    }

    /** The body for the next attempt: the prepared requests with the gateway's own ids (position + 1). */
    byte[] upstreamBody() {
        JsonBytes out = new JsonBytes(64 * pending + 64);
        if (batch) {
            out.writeByte('[');
        }
        boolean first = true;
        for (int i = 0; i < requests.size(); i++) {
            if (!sent[i]) {
                continue;
            }
            if (!first) {
                out.writeByte(',');
            }
            first = false;
            JsonRequest r = requests.get(i);
            out.ascii("{\"jsonrpc\":\"2.0\",");
            if (!r.isNotification()) {
                out.ascii("\"id\":").number(i + 1).writeByte(',');
            }
            out.ascii("\"method\":").write(r.methodJson());
            if (r.params() != null) {
                out.ascii(",\"params\":").write(r.params());
            }
            out.writeByte('}');
        }
        if (batch) {
            out.writeByte(']');
        }
        return out.toByteArray();
    }

    /** What a provider's parsed answer means for each pending request, and for the provider. */
    Verdict apply(Provider provider, List<UpstreamAnswer> received) {
        boolean[] answered = new boolean[requests.size()];
        Verdict verdict = new Verdict();
        // A lone error without an id answers no request: it speaks about the provider (a rate limit,
        // a bad API key, a body it refused), so it is never handed to a client as the request's answer.
        if (received.size() == 1 && received.get(0).id() < 0 && received.get(0).isError()) {
            UpstreamAnswer error = received.get(0);
            verdict.providerError(error, errorReason(provider, error));
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
        for (int i = 0; i < requests.size(); i++) {
            if (!sent[i] || settled[i] || requests.get(i).isNotification()) {
                continue;
            }
            UpstreamAnswer answer = byPosition[i];
            if (answer != null) {
                answered[i] = true;
                take(provider, i, answer, verdict);
            }
        }
        int missing = 0;
        for (int i = 0; i < requests.size(); i++) {
            if (settled[i] || !sent[i]) {
                continue;
            }
            if (requests.get(i).isNotification()) {
                settle(i, null, null);
            } else if (!answered[i]) {
                missing++;
                if (holdsBack(requests.get(i))) {
                    settle(i, null, maybeSent(provider, "no answer for it"));
                }
            }
        }
        if (missing > 0) {
            verdict.mismatched(batch ? "answer missing for " + missing + " request(s)" : "answer with another id");
        }
        return verdict;
    }

    private void take(Provider provider, int i, UpstreamAnswer answer, Verdict verdict) {
        if (!answer.isError()) {
            settle(i, answer, null);
            answeredBy = provider;
            if ("eth_blockNumber".equals(requests.get(i).method())) {
                observeHead(provider, answer.result());
            }
            return;
        }
        ErrorClass kind = AnswerClassifier.classify(answer);
        boolean write = WriteMethods.isWrite(requests.get(i).method());
        boolean passedOn = kind == ErrorClass.DETERMINISTIC || kind == ErrorClass.METHOD_NOT_FOUND
                || kind == ErrorClass.PROVIDER_FAULT && write;
        if (passedOn && revealsSecret(provider, answer)) {
            // An answer that shows the provider's own credentials ("invalid API key <key>") is about the provider,
            // and it must not reach the client: the request fails over (a transaction is not sent twice).
            String reason = errorReason(provider, answer) + " (answer shows the provider's credentials)";
            if (write) {
                settle(i, null, maybeSent(provider, reason));
            } else {
                verdict.fault(Outcome.Fault.REVEALS_SECRET, reason);
            }
            return;
        }
        switch (kind) {
            case DETERMINISTIC -> {
                settle(i, answer, null);
                answeredBy = provider;
                verdict.answeredWithError();
            }
            case METHOD_NOT_FOUND -> {
                fallbacks[i] = answer;
                fallbackProvider = provider;
                provider.methods().methodNotFound(requests.get(i).method());
                verdict.note("method not found");
            }
            case RATE_LIMITED -> verdict.providerError(answer, errorReason(provider, answer));
            case PROVIDER_FAULT -> {
                if (write) {
                    // The provider answered the transaction itself: its word is final.
                    settle(i, answer, null);
                    answeredBy = provider;
                } else {
                    verdict.fault(Outcome.Fault.ERROR_ANSWER, errorReason(provider, answer));
                }
            }
        }
    }

    /** An eth_blockNumber answer is a free head report: it keeps lag current between probes. */
    private void observeHead(Provider provider, RawJson result) {
        if (result.length() > 4 && result.length() < 22 && result.source()[result.start()] == '"') {
            long head = BlockParams.quantity(new String(result.source(), result.start() + 1, result.length() - 2,
                    java.nio.charset.StandardCharsets.US_ASCII));
            if (head >= 0) {
                network.heads().observe(provider, head);
            }
        }
    }

    /** A failure after which the request may or may not have reached the provider. */
    void failed(Provider provider, String reason, boolean neverSent) {
        note(provider, reason);
        failedTier = provider.tier();
        if (neverSent) {
            return;
        }
        for (int i = 0; i < requests.size(); i++) {
            if (sent[i] && !settled[i] && holdsBack(requests.get(i))) {
                settle(i, null, maybeSent(provider, reason));
            }
        }
    }

    /** A write that may have reached a provider is not sent to another, unless it may be resent. */
    private boolean holdsBack(JsonRequest request) {
        String method = request.method();
        return WriteMethods.isWrite(method) && !(resendWrites && WriteMethods.isRawTransaction(method));
    }

    /** The provider's answer outgrew max-response-size: every pending request gets that error, once. */
    void tooLarge(Provider provider, String message) {
        note(provider, "response larger than max-response-size");
        for (int i = 0; i < requests.size(); i++) {
            if (sent[i] && !settled[i]) {
                settle(i, null, new GatewayError(JsonRpcError.RESPONSE_TOO_LARGE, message, summary(), 502));
            }
        }
    }

    RoutingResult result() {
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
                GatewayError unserved = deadlinePassed ? null : methodError(requests.get(i).method());
                if (unserved != null) {
                    errors[i] = unserved;
                    continue;
                }
                // Every other unanswered request of the body failed for the same reasons: one error, built once.
                if (failure == null) {
                    failure = deadlinePassed ? deadlineError() : noProviderError();
                }
                errors[i] = failure;
            }
        }
        return new RoutingResult(requests, answers, errors, answeredBy, attempts);
    }

    private void settle(int i, UpstreamAnswer answer, GatewayError error) {
        settled[i] = true;
        answers[i] = answer;
        errors[i] = error;
        pending--;
    }

    private GatewayError maybeSent(Provider provider, String reason) {
        return new GatewayError(JsonRpcError.TRANSACTION_NOT_RETRIED,
                "transaction may have reached " + provider.name() + " (" + reason
                        + "); not sent to another provider, to avoid sending it twice", summary(), 502);
    }

    /**
     * For a method only some providers serve (method routing), an error that names the method and why it got
     * no answer; null for a method every provider serves.
     */
    private GatewayError methodError(String method) {
        MethodCoverage coverage = MethodCoverage.of(network, method);
        if (!coverage.restricted()) {
            return null;
        }
        if (coverage.serving().isEmpty()) {
            return new GatewayError(JsonRpcError.METHOD_NOT_FOUND, coverage.unservedMessage(), summary(), 200);
        }
        String message = "no provider could answer " + method + " (served only by " + coverage.servingNames() + ")"
                + (notes == null ? "" : ": " + describe());
        return new GatewayError(JsonRpcError.NO_PROVIDER, message, summary(), 503);
    }

    /** The failure of every request still unanswered, when the context ended without an answer for them. */
    private GatewayError noProviderError() {
        String message = notes == null ? "no provider could answer" : "no provider could answer: " + describe();
        return new GatewayError(JsonRpcError.NO_PROVIDER, message, summary(), 503);
    }

    private GatewayError deadlineError() {
        String message = "request-timeout of " + network.definition().requestTimeout().toMillis()
                + "ms passed" + (notes == null ? "" : "; tried: " + describe());
        return new GatewayError(JsonRpcError.DEADLINE_EXCEEDED, message, summary(), 504);
    }

    private String describe() {
        return describe(notes);
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

    /** {@code {"attempts":n,"providers":[{"provider":..,"tier":..,"reason":..}]}}: names, never URLs. */
    private RawJson summary() {
        return summary(attempts, notes);
    }

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

    /** "error <code>: <message>" for reasons clients, logs and health see: shortened, the provider's secrets masked. */
    static String errorReason(Provider provider, UpstreamAnswer error) {
        return AnswerClassifier.errorReason(error, provider.secrets()::scrub);
    }

    /** True when an error answer's message or raw error object (data included) shows the provider's credentials. */
    static boolean revealsSecret(Provider provider, UpstreamAnswer answer) {
        if (provider.secrets().isEmpty()) {
            return false;
        }
        return provider.secrets().revealedIn(answer.errorMessage())
                || answer.error() != null && provider.secrets().revealedIn(answer.error().toString().replace("\\/", "/"));
    }

    /** What one answer says about the provider that gave it, until it is an {@link Outcome}. */
    static final class Verdict {
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
}
