package io.tiergate.provider;

import static io.tiergate.provider.HealthState.DOWN;
import static io.tiergate.provider.HealthState.LAGGING;
import static io.tiergate.provider.HealthState.MISCONFIGURED;
import static io.tiergate.provider.HealthState.RATE_LIMITED;
import static io.tiergate.provider.HealthState.SYNCING;
import static io.tiergate.provider.HealthState.UNKNOWN;
import static io.tiergate.provider.HealthState.UP;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tiergate.policy.MethodLists;
import io.tiergate.testsupport.MutableClock;
import io.tiergate.upstream.Outcome;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every transition of a provider's state, on real providers from the real factory: what probes and calls
 * recorded through {@link Provider#record} make of it, how the breaker alone says DOWN, and that each
 * transition is published once.
 */
class ProviderStateTest {

    private static final int MAX_FAILURES = 3;
    private static final long NANOS = 2_000_000;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final List<ProviderStateChange> transitions = new ArrayList<>();
    private final List<Provider> created = new ArrayList<>();
    private ProviderFactory factory;

    @AfterEach
    void dispose() {
        created.forEach(factory::dispose);
    }

    /** Breaker threshold far above max-failures, so max-failures decides while probes run. */
    private Provider provider(boolean probing, boolean breakerEnabled) {
        factory = new ProviderFactory(clock, Breakers.of(breakers, clock), 1 << 20, probing, FleetLimits.local(clock));
        NetworkDefinition network = new NetworkDefinition(ProviderFixtures.NETWORK, 1L, StrategyType.PRIORITY_WEIGHTED,
                Duration.ofSeconds(10), 5, 3, new CircuitBreakerSettings(breakerEnabled, 10, Duration.ofSeconds(60)),
                new BackoffSettings(true, Duration.ofSeconds(60), Duration.ofSeconds(900)), List.of(),
                List.of(), List.of(), RequestPaths.DEFAULTS);
        URI url = URI.create("http://127.0.0.1:1/");
        ProviderDefinition definition = new ProviderDefinition("p" + created.size(), ProviderFixtures.NETWORK,
                "local", url, url.toString(), null, 100, Duration.ofSeconds(5), MAX_FAILURES,
                Duration.ofSeconds(30), Map.of(), null, new MethodLists(List.of(), List.of()));
        Provider provider = factory.create(network, definition, transitions::add);
        created.add(provider);
        return provider;
    }

    private Provider probed() {
        return provider(true, true);
    }

    private static void up(Provider p, long head) {
        p.probeAnswered(head, false, true, null, NANOS);
    }

    private static void probeFails(Provider p, String why) {
        p.recordProbe(new Outcome.Unreachable(why, false), NANOS);
    }

    private static void requestFails(Provider p, String why) {
        p.record(new Outcome.Unreachable(why, false), NANOS, false);
    }

    private static void requestServed(Provider p) {
        p.record(Outcome.Answered.INSTANCE, NANOS, false);
    }

    private static void lag(Provider p, long blocks) {
        p.health().lag(blocks, 3);
        p.publishState();
    }

    private List<HealthState> states() {
        return transitions.stream().map(ProviderStateChange::to).toList();
    }

    private ProviderStateChange last() {
        return transitions.get(transitions.size() - 1);
    }

    @Test
    void aNewProviderIsUnknownWithNoHeadErrorOrLatency() {
        Provider p = probed();
        assertThat(p.state()).isEqualTo(UNKNOWN);
        assertThat(p.health().head()).isEqualTo(-1);
        assertThat(p.health().lastError()).isNull();
        assertThat(p.recent().latencyMillis()).isEqualTo(-1);
        assertThat(p.health().chainVerified()).isFalse();
        assertThat(p.consecutiveFailures()).isZero();
        assertThat(p.hasAnswered()).isFalse();
        assertThat(transitions).isEmpty();
    }

    @Test
    void firstSuccessfulProbeMakesItUpWithItsHead() {
        Provider p = probed();
        up(p, 100);

        assertThat(p.state()).isEqualTo(UP);
        assertThat(p.health().head()).isEqualTo(100);
        assertThat(p.health().headMillis()).isEqualTo(clock.millis());
        assertThat(p.health().chainVerified()).isTrue();
        assertThat(p.hasAnswered()).isTrue();
        assertThat(transitions).containsExactly(new ProviderStateChange(p, UNKNOWN, UP, "probe answered"));
    }

    @Test
    void maxFailuresInARowMakeItDownNotFewer() {
        Provider p = probed();
        up(p, 1);
        clock.advance(Duration.ofSeconds(5));
        probeFails(p, "connection refused");
        requestFails(p, "connection refused");
        assertThat(p.state()).as("after %d failures", MAX_FAILURES - 1).isEqualTo(UP);
        assertThat(p.health().lastError()).isEqualTo("connection refused");
        assertThat(p.health().lastErrorMillis()).isEqualTo(clock.millis());

        probeFails(p, "timeout");
        assertThat(p.state()).isEqualTo(DOWN);
        assertThat(p.breaker().getState()).as("DOWN is the breaker's word").isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(p.consecutiveFailures()).isEqualTo(MAX_FAILURES);
        assertThat(p.health().lastError()).isEqualTo("timeout");
        assertThat(last()).isEqualTo(new ProviderStateChange(p, UP, DOWN, "circuit breaker open (last error: timeout)"));
    }

    @Test
    void withoutProbesFailedRequestsOnlyRecordTheError() {
        Provider p = provider(false, true);
        for (int i = 0; i < 9; i++) {
            requestFails(p, "HTTP 502");
        }
        assertThat(p.state()).as("nothing would bring it back").isEqualTo(UNKNOWN);
        assertThat(p.health().lastError()).isEqualTo("HTTP 502");
        assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(p.availability()).isEqualTo(Availability.USABLE);
        assertThat(transitions).isEmpty();
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        Provider p = probed();
        up(p, 1);
        probeFails(p, "a");
        probeFails(p, "b");
        p.probeAnswered(2, false, null, null, NANOS);
        probeFails(p, "c");
        probeFails(p, "d");
        assertThat(p.state()).isEqualTo(UP);

        requestServed(p);
        probeFails(p, "e");
        probeFails(p, "f");
        assertThat(p.state()).isEqualTo(UP);
        probeFails(p, "g");
        assertThat(p.state()).isEqualTo(DOWN);
    }

    @Test
    void anUnknownProviderFailingMaxFailuresTimesIsDown() {
        Provider p = probed();
        for (int i = 0; i < MAX_FAILURES; i++) {
            probeFails(p, "connection refused");
        }
        assertThat(transitions).containsExactly(
                new ProviderStateChange(p, UNKNOWN, DOWN, "circuit breaker open (last error: connection refused)"));
    }

    @Test
    void oneSuccessfulProbeBringsADownProviderBackUp() {
        Provider p = probed();
        up(p, 1);
        for (int i = 0; i < 5; i++) {
            probeFails(p, "connection refused");
        }
        assertThat(p.state()).isEqualTo(DOWN);

        up(p, 7);
        assertThat(p.state()).isEqualTo(UP);
        assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(p.availability()).isEqualTo(Availability.USABLE);
        assertThat(p.health().head()).isEqualTo(7);
        assertThat(p.consecutiveFailures()).isZero();
        assertThat(states()).containsExactly(UP, DOWN, UP);
    }

    @Test
    void aSuccessfulRequestBringsADownProviderBackUp() {
        Provider p = probed();
        up(p, 1);
        for (int i = 0; i < MAX_FAILURES; i++) {
            probeFails(p, "connection refused");
        }
        requestServed(p);
        assertThat(p.state()).isEqualTo(UP);
        assertThat(p.consecutiveFailures()).isZero();
        assertThat(states()).containsExactly(UP, DOWN, UP);
    }

    @Test
    void aSuccessfulRequestLeavesOtherStatesAlone() {
        Provider p = probed();
        requestServed(p);
        assertThat(p.state()).as("unknown stays unknown until probed").isEqualTo(UNKNOWN);
        assertThat(p.hasAnswered()).as("but it has answered: enough for readiness").isTrue();
        up(p, 10);
        lag(p, 5);
        requestServed(p);
        assertThat(p.state()).isEqualTo(LAGGING);
    }

    @Test
    void aNodeReportingItIsSyncingIsSyncingUntilItIsNot() {
        Provider p = probed();
        p.probeAnswered(5, true, true, null, NANOS);
        assertThat(p.state()).isEqualTo(SYNCING);
        assertThat(transitions.get(0).reason()).isEqualTo("node reports it is syncing");

        p.probeAnswered(6, true, null, null, NANOS);
        assertThat(transitions).hasSize(1);

        p.probeAnswered(7, false, null, null, NANOS);
        assertThat(p.state()).isEqualTo(UP);
        assertThat(states()).containsExactly(SYNCING, UP);
    }

    @Test
    void aLaggingNodeThatStartsSyncingIsSyncing() {
        Provider p = probed();
        up(p, 10);
        lag(p, 10);
        p.probeAnswered(1, true, null, null, NANOS);
        assertThat(p.state()).isEqualTo(SYNCING);
    }

    @Test
    void chainMismatchMakesItMisconfiguredUntilAProbeFindsTheRightChain() {
        Provider p = probed();
        p.probeAnswered(5, false, false, "expected chain id 1, got 5", NANOS);
        assertThat(p.state()).isEqualTo(MISCONFIGURED);
        assertThat(p.health().chainVerified()).isFalse();
        assertThat(transitions).containsExactly(
                new ProviderStateChange(p, UNKNOWN, MISCONFIGURED, "expected chain id 1, got 5"));

        // Probes that did not ask for the chain, or found it wrong again, change nothing (and report nothing).
        p.probeAnswered(6, false, null, null, NANOS);
        p.probeAnswered(7, false, false, "expected chain id 1, got 5", NANOS);
        p.probeAnswered(8, true, false, "expected chain id 1, got 5", NANOS);
        // Failures and an opened breaker do not hide the real problem behind DOWN.
        for (int i = 0; i < 5; i++) {
            probeFails(p, "connection refused");
        }
        p.breaker().transitionToOpenState();
        lag(p, 100);
        assertThat(p.state()).isEqualTo(MISCONFIGURED);
        assertThat(p.availability()).isEqualTo(Availability.MISCONFIGURED);
        assertThat(transitions).hasSize(1);

        up(p, 9);
        assertThat(p.state()).isEqualTo(UP);
        assertThat(p.health().chainVerified()).isTrue();
        assertThat(states()).containsExactly(MISCONFIGURED, UP);
    }

    @Test
    void aProviderWhoseChainWasRightAndTurnsWrongIsMisconfigured() {
        Provider p = probed();
        up(p, 1);
        p.probeAnswered(2, false, false, "expected chain id 1, got 10", NANOS);
        assertThat(p.state()).isEqualTo(MISCONFIGURED);
        assertThat(p.health().chainVerified()).isFalse();
    }

    @Test
    void lagAboveMaxLagBlocksMakesItLaggingAndBackUnderMakesItUp() {
        Provider p = probed();
        up(p, 10);
        lag(p, 3);
        assertThat(p.state()).as("exactly max-lag-blocks behind").isEqualTo(UP);

        lag(p, 4);
        assertThat(p.state()).isEqualTo(LAGGING);
        assertThat(transitions.get(1).reason()).isEqualTo("4 blocks behind the best head (max-lag-blocks 3)");

        // A probe alone does not end the lag: only the comparison with the best head does.
        p.probeAnswered(14, false, null, null, NANOS);
        assertThat(p.state()).isEqualTo(LAGGING);
        assertThat(p.health().head()).isEqualTo(14);

        lag(p, 3);
        assertThat(p.state()).isEqualTo(UP);
        assertThat(transitions.get(2)).isEqualTo(new ProviderStateChange(p, LAGGING, UP, "caught up (3 blocks behind)"));
        assertThat(states()).containsExactly(UP, LAGGING, UP);
    }

    @Test
    void lagDoesNotTouchUnknownDownSyncingOrMisconfiguredProviders() {
        Provider p = probed();
        lag(p, 50);
        assertThat(p.state()).isEqualTo(UNKNOWN);

        p.probeAnswered(1, true, true, null, NANOS);
        lag(p, 50);
        assertThat(p.state()).isEqualTo(SYNCING);

        up(p, 1);
        for (int i = 0; i < MAX_FAILURES; i++) {
            probeFails(p, "x");
        }
        lag(p, 50);
        lag(p, 0);
        assertThat(p.state()).isEqualTo(DOWN);
    }

    @Test
    void anOpenedBreakerMakesItDownAndAClosedOneUpAgain() {
        Provider p = probed();
        up(p, 1);
        p.breaker().transitionToOpenState();
        assertThat(p.state()).isEqualTo(DOWN);
        assertThat(transitions.get(1)).isEqualTo(new ProviderStateChange(p, UP, DOWN, "circuit breaker open"));

        probeFails(p, "a");
        p.breaker().transitionToClosedState();
        assertThat(p.state()).isEqualTo(UP);
        assertThat(p.consecutiveFailures()).isZero();
        assertThat(states()).containsExactly(UP, DOWN, UP);
    }

    @Test
    void aClosedBreakerOnlyRevivesADownProvider() {
        Provider p = probed();
        up(p, 10);
        lag(p, 10);
        p.breaker().transitionToOpenState();
        p.breaker().transitionToClosedState();
        assertThat(p.state()).isEqualTo(LAGGING);

        Provider fresh = probed();
        fresh.breaker().transitionToOpenState();
        fresh.breaker().transitionToClosedState();
        assertThat(fresh.state()).isEqualTo(UNKNOWN);
    }

    @Test
    void aSuccessfulHalfOpenTrialMakesADownProviderUp() {
        Provider p = probed();
        up(p, 1);
        for (int i = 0; i < MAX_FAILURES; i++) {
            probeFails(p, "connection refused");
        }
        assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);

        clock.advance(Duration.ofSeconds(61));
        assertThat(p.availability()).as("the trial call may go").isEqualTo(Availability.USABLE);
        assertThat(p.trialDue()).isTrue();
        assertThat(p.breaker().getState()).as("looking moved nothing").isEqualTo(CircuitBreaker.State.OPEN);
        ProviderFixtures.succeed(p);
        assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(p.state()).isEqualTo(UP);
    }

    @Test
    void resetIsAnOperatorsCleanSlate() {
        Provider p = probed();
        up(p, 1);
        for (int i = 0; i < MAX_FAILURES; i++) {
            probeFails(p, "connection refused");
        }
        p.reinstate();
        assertThat(p.state()).isEqualTo(UNKNOWN);
        assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(p.availability()).as("a cold provider serves").isEqualTo(Availability.USABLE);
        assertThat(p.health().lastError()).isNull();
        assertThat(p.consecutiveFailures()).isZero();
        assertThat(last()).isEqualTo(new ProviderStateChange(p, DOWN, UNKNOWN, "reinstated"));

        probeFails(p, "again");
        probeFails(p, "again");
        assertThat(p.state()).as("the count started over").isEqualTo(UNKNOWN);
    }

    @Test
    void headsObservedFromAnswersOnlyMoveForward() {
        Provider p = probed();
        up(p, 100);
        p.observeHead(90);
        assertThat(p.health().head()).isEqualTo(100);
        clock.advance(Duration.ofSeconds(3));
        p.observeHead(105);
        assertThat(p.health().head()).isEqualTo(105);
        assertThat(p.health().headMillis()).isEqualTo(clock.millis());
    }

    @Test
    void latencyIsAMovingAverageOfRecentCalls() {
        Provider p = probed();
        p.record(Outcome.Answered.INSTANCE, Duration.ofMillis(100).toNanos(), false);
        assertThat(p.recent().latencyMillis()).isEqualTo(100.0);
        p.record(Outcome.Answered.INSTANCE, Duration.ofMillis(200).toNanos(), false);
        assertThat(p.recent().latencyMillis()).isCloseTo(120.0, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void sameStateAgainIsNoTransition() {
        Provider p = probed();
        up(p, 1);
        up(p, 2);
        p.probeAnswered(3, false, null, null, NANOS);
        assertThat(transitions).hasSize(1);
    }

    @Test
    void aProviderAnsweringOnly429IsRateLimitedWithTheErrorShownAndCounted() {
        Provider p = probed();
        for (int i = 0; i < 5; i++) {
            ProviderFixtures.rateLimit(p, Duration.ofSeconds(30));
        }
        assertThat(p.state()).isEqualTo(RATE_LIMITED);
        assertThat(p.availability()).isEqualTo(Availability.RATE_LIMITED);
        assertThat(p.health().lastError()).isEqualTo("HTTP 429, Retry-After 30 s");
        assertThat(p.recent().errorRate()).isEqualTo(1.0);
        assertThat(p.breaker().getState()).as("a rate limit is no fault").isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(transitions).containsExactly(new ProviderStateChange(p, UNKNOWN, RATE_LIMITED,
                "resting after a rate limit (last error: HTTP 429, Retry-After 30 s)"));

        clock.advance(Duration.ofSeconds(31));
        assertThat(p.state()).as("the rest is over").isEqualTo(UNKNOWN);
        assertThat(p.availability()).isEqualTo(Availability.USABLE);
    }

    @Test
    void readingAnOpenBreakerAThousandTimesLeavesItOpen() {
        Provider p = probed();
        p.breaker().transitionToOpenState();
        clock.advance(Duration.ofSeconds(61));
        for (int i = 0; i < 1000; i++) {
            p.availability();
            p.state();
            p.trialDue();
        }
        assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(p.tryAcquirePermission()).as("the call itself moves it").isTrue();
        assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void availabilityFollowsTheStateWithoutABreaker() {
        Provider p = provider(true, false);
        assertThat(p.availability()).isEqualTo(Availability.USABLE);
        up(p, 10);
        lag(p, 10);
        assertThat(p.availability()).isEqualTo(Availability.LAGGING);
        assertThat(p.availability().selectable()).isTrue();
        p.probeAnswered(10, true, null, null, NANOS);
        assertThat(p.availability()).isEqualTo(Availability.SYNCING);
        assertThat(p.availability().selectable()).isTrue();
        for (int i = 0; i < MAX_FAILURES; i++) {
            probeFails(p, "connection refused");
        }
        assertThat(p.state()).isEqualTo(DOWN);
        assertThat(p.availability()).as("breaker disabled: DOWN itself keeps it out").isEqualTo(Availability.DOWN);
        assertThat(p.availability().selectable()).isFalse();
        p.probeAnswered(10, false, false, "expected chain id 1, got 5", NANOS);
        assertThat(p.availability()).isEqualTo(Availability.MISCONFIGURED);
        assertThat(p.availability().selectable()).isFalse();
    }
}
