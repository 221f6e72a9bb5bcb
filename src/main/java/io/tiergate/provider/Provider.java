package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.upstream.Outcome;
import io.tiergate.upstream.UpstreamClient;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A provider at run time: its immutable definition plus its live state. {@link #record} is the one writer
 * of what calls and probes show (breaker, rate-limit rest, recent calls, latency, last error, health); the
 * selector, gauges, health indicators and admin views only read, and reading changes nothing.
 */
public final class Provider {

    private final ProviderDefinition definition;
    private final ProviderSecrets secrets;
    private final UpstreamClient client;
    private final CircuitBreaker breaker;
    private final RateLimitBackoff backoff;
    private final Quota quota;
    private final Clock clock;
    private final ProviderHealth health;
    private final RecentCalls recent;
    private final ProviderMethods methods;
    private final Consumer<ProviderStateChange> onChange;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final OutcomeRecorder recorder;
    private volatile long openedAtMillis;
    private volatile ProviderMeters meters = ProviderMeters.NONE;
    private volatile AdminState adminState = AdminState.ACTIVE;
    private volatile Integer weightOverride;
    private HealthState published = HealthState.UNKNOWN;

    Provider(ProviderDefinition definition, UpstreamClient client, CircuitBreaker breaker, RateLimitBackoff backoff,
            Quota quota, ProviderHealth health, boolean probing, ProviderMethods methods, Clock clock,
            Consumer<ProviderStateChange> onChange) {
        this.definition = definition;
        this.secrets = ProviderSecrets.of(definition);
        this.client = client;
        this.breaker = breaker;
        this.backoff = backoff;
        this.quota = quota;
        this.health = health;
        this.methods = methods;
        this.clock = clock;
        this.onChange = onChange;
        this.recent = new RecentCalls(clock);
        this.recorder = new OutcomeRecorder(breaker, backoff, health, recent, probing, clock);
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                openedAtMillis = clock.millis();
            } else if (to == CircuitBreaker.State.CLOSED) {
                health.clearFailures();
            }
            publishState();
        });
    }

    public String name() {
        return definition.name();
    }

    public String tier() {
        return definition.tier();
    }

    public ProviderDefinition definition() {
        return definition;
    }

    /** The credentials in the provider's URL and headers, to scrub from anything it sends back. */
    public ProviderSecrets secrets() {
        return secrets;
    }

    public UpstreamClient client() {
        return client;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public RateLimitBackoff backoff() {
        return backoff;
    }

    public Quota quota() {
        return quota;
    }

    /** The weight selection uses now: an operator's override, else the configured weight. */
    public int weight() {
        Integer override = weightOverride;
        return override != null ? override : definition.weight();
    }

    /** The operator's weight, or null when the configured one applies. */
    public Integer weightOverride() {
        return weightOverride;
    }

    public void overrideWeight(Integer weight) {
        this.weightOverride = weight;
    }

    public AdminState adminState() {
        return adminState;
    }

    public void adminState(AdminState state) {
        this.adminState = state;
    }

    /**
     * Counts a call in flight unless the provider is drained. The count goes up before the drain flag is
     * read, and a drain sets the flag before it reads the count: so no call starts after a drain returned
     * without being in the count it reported.
     */
    public boolean tryStartCall() {
        inFlight.incrementAndGet();
        if (adminState == AdminState.DRAINED) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public void callEnded() {
        inFlight.decrementAndGet();
    }

    /** An operator's reinstate: drain lifted, breaker closed, rest and failure counts cleared. */
    public void reinstate() {
        adminState = AdminState.ACTIVE;
        backoff.clear();
        health.reset();
        if (breaker.getState() != CircuitBreaker.State.DISABLED) {
            breaker.transitionToClosedState();
        }
        publishState();
    }

    /** Attached by the metrics binder when the registry announces the provider; {@link ProviderMeters#NONE} before. */
    public void attachMeters(ProviderMeters meters) {
        this.meters = meters == null ? ProviderMeters.NONE : meters;
    }

    public ProviderMeters meters() {
        return meters;
    }

    public RecentCalls recent() {
        return recent;
    }

    /** The methods this provider serves: configured allow/deny, minus recent "method not found" answers. */
    public ProviderMethods methods() {
        return methods;
    }

    public ProviderHealth health() {
        return health;
    }

    /** Takes a breaker permit for one call; every taken permit ends in {@link #record} or {@link #abandoned}. */
    public boolean tryAcquirePermission() {
        return breaker.tryAcquirePermission();
    }

    public void releasePermission() {
        breaker.releasePermission();
    }

    /**
     * What one request call came to. {@code permitted}: the call held a breaker permit (a last-resort call does
     * not). The one place that turns an outcome into breaker, rest, failures, latency, last error and meters.
     */
    public void record(Outcome outcome, long nanos, boolean permitted) {
        recorder.apply(outcome, nanos, permitted, false);
        meters.call(outcome.label(), nanos);
        publishState();
    }

    /** A probe that did not answer usably: counts toward max-failures, or rests the provider when rate limited. */
    public void recordProbe(Outcome outcome, long nanos) {
        recorder.apply(outcome, nanos, false, true);
        meters.probe(outcome);
        publishState();
    }

    /** A probe answered: head, syncing flag, and whether the chain id matched (null: not asked). */
    public void probeAnswered(long block, boolean syncing, Boolean chainMatches, String chainProblem, long nanos) {
        health.probeSucceeded(block, syncing, chainMatches, chainProblem);
        if (health.state() != HealthState.MISCONFIGURED) {
            recorder.apply(Outcome.Answered.INSTANCE, nanos, false, true);
        }
        meters.probe(Outcome.Answered.INSTANCE);
        publishState();
    }

    /** A call given up without a verdict on the provider (cancelled, cut by the request's deadline). */
    public void abandoned(boolean permitted, Outcome.Label label, long nanos) {
        if (permitted) {
            breaker.releasePermission();
        }
        if (label != null) {
            meters.call(label, nanos);
        }
    }

    /** An eth_blockNumber answer or a probe told the provider's head. */
    void observeHead(long block) {
        health.observeHead(block);
    }

    /** Failures in a row (requests and probes), as health counts them for max-failures: one counter, one truth. */
    public int consecutiveFailures() {
        return health.failures();
    }

    public long lastFailureMillis() {
        return recorder.lastFailureMillis();
    }

    public long lastSuccessMillis() {
        return recorder.lastSuccessMillis();
    }

    /** True once a probe or a request got an answer from it: what readiness waits for. */
    public boolean hasAnswered() {
        return recorder.lastSuccessMillis() > 0;
    }

    /** The state every view shows: the probed state, overruled by an open breaker or a rate-limit rest. */
    public HealthState state() {
        return ProviderStatus.state(this);
    }

    /** Whether it may be selected now, and if not, why. Reads only: no permit taken, no breaker moved. */
    public Availability availability() {
        return ProviderStatus.availability(this);
    }

    /** Its breaker wants a trial call now: half-open, or open with its wait over (the permit will move it). */
    public boolean trialDue() {
        return ProviderStatus.trialDue(this);
    }

    boolean breakerDown() {
        return ProviderStatus.down(breaker.getState());
    }

    long openedAtMillis() {
        return openedAtMillis;
    }

    Clock clock() {
        return clock;
    }

    /** Tells the registry's listeners when the state every view shows has moved. */
    void publishState() {
        ProviderStateChange change = null;
        synchronized (this) {
            HealthState now = state();
            if (now != published) {
                change = new ProviderStateChange(this, published, now, ProviderStatus.reason(this, now));
                published = now;
            }
        }
        if (change != null) {
            onChange.accept(change);
        }
    }

    @Override
    public String toString() {
        return definition.toString();
    }
}
