package io.tiergate.routing;

import io.tiergate.jsonrpc.BlockParams;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.selection.SelectionContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * State of one client request while it fails over: which providers were tried or skipped and why (its
 * {@link AttemptNotes}), how many attempts are left, and what the selector must know of it. What each request
 * of the body was answered lives in its {@link AnswerSlots}. Attempts run one after another, never at once;
 * each carries the pending requests its provider serves (method routing). A hedged read runs two contexts at
 * once that share only the set of providers tried.
 */
final class RoutingContext implements SelectionContext {

    private final Network network;
    private final List<JsonRequest> requests;
    private final boolean batch;
    private final long deadlineNanos;
    private final long requiredBlock;
    private final AttemptNotes notes;
    private final AnswerSlots slots;
    private Collection<Provider> excluded = new ArrayList<>(4);
    private List<Provider> methodSkips;
    private int maxAttempts;
    private boolean lastResortAllowed = true;
    private Provider firstProvider;
    private Consumer<Provider> onAttempt;
    private boolean lastResortUsed;
    private boolean deadlinePassed;
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
        this.notes = new AttemptNotes(network);
        this.slots = new AnswerSlots(network, requests, batch, notes);
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
        slots.resendWrites();
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
        return slots.pending();
    }

    int attempts() {
        return notes.attempts();
    }

    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    void deadlinePassed() {
        deadlinePassed = true;
    }

    /** False when every pending request is a notification. */
    boolean awaitsAnswers() {
        return slots.awaitsAnswers();
    }

    /**
     * Picks the pending requests {@code provider} serves for the next attempt; returns how many there are,
     * the JSON-RPC calls the attempt spends from the provider's quota.
     */
    int prepare(Provider provider) {
        return slots.prepare(provider);
    }

    @Override
    public boolean excluded(Provider provider) {
        return excluded.contains(provider);
    }

    @Override
    public boolean serves(Provider provider) {
        if (slots.pending() == 0) {
            return false;
        }
        if (slots.servesAny(provider)) {
            return true;
        }
        ProviderMethods.Refusal refusal = slots.refusal(provider.methods());
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
        return !lastResortUsed && lastResortAllowed && slots.anyWithoutFallback();
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
        if (notes.attempts() == 0) {
            firstProvider = provider;
        }
        notes.attempted();
        if (onAttempt != null) {
            onAttempt.accept(provider);
        }
    }

    void note(Provider provider, String reason) {
        notes.note(provider, reason);
    }

    /** The body for the next attempt: the prepared requests with the gateway's own ids (position + 1). */
    byte[] upstreamBody() {
        return slots.upstreamBody();
    }

    /** What a provider's parsed answer means for each pending request, and for the provider. */
    Verdict apply(Provider provider, List<UpstreamAnswer> received) {
        return slots.apply(provider, received);
    }

    /** A failure after which the request may or may not have reached the provider. */
    void failed(Provider provider, String reason, boolean neverSent) {
        note(provider, reason);
        failedTier = provider.tier();
        if (!neverSent) {
            slots.holdBackWrites(provider, reason);
        }
    }

    /** The provider's answer outgrew max-response-size: every pending request gets that error, once. */
    void tooLarge(Provider provider, String message) {
        note(provider, "response larger than max-response-size");
        slots.failSent(notes.tooLarge(message));
    }

    RoutingResult result() {
        return slots.result(deadlinePassed);
    }
}
