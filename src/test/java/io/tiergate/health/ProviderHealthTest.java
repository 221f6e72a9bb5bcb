package io.tiergate.health;

import static io.tiergate.health.HealthState.DOWN;
import static io.tiergate.health.HealthState.LAGGING;
import static io.tiergate.health.HealthState.MISCONFIGURED;
import static io.tiergate.health.HealthState.SYNCING;
import static io.tiergate.health.HealthState.UNKNOWN;
import static io.tiergate.health.HealthState.UP;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tiergate.config.NetworkProperties.CircuitBreakerProperties;
import io.tiergate.config.NetworkProperties.RateLimitBackoffProperties;
import io.tiergate.config.ProviderProperties.MethodsProperties;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Breakers;
import io.tiergate.provider.FleetLimits;
import io.tiergate.provider.NetworkDefinition;
import io.tiergate.provider.Provider;
import io.tiergate.provider.ProviderDefinition;
import io.tiergate.provider.ProviderFactory;
import io.tiergate.provider.ProviderFixtures;
import io.tiergate.routing.RequestPaths;
import io.tiergate.selection.StrategyType;
import io.tiergate.testsupport.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every transition of a provider's health state, and how health and the circuit breaker follow each other. */
class ProviderHealthTest {

    private static final int MAX_FAILURES = 3;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ProviderHealth health = new ProviderHealth(MAX_FAILURES, clock);
    private final List<ProviderHealth.Transition> transitions = new ArrayList<>();

    {
        health.onTransition(transitions::add);
    }

    private void up(long head) {
        health.probeSucceeded(head, false, true, null);
    }

    private List<HealthState> states() {
        return transitions.stream().map(ProviderHealth.Transition::to).toList();
    }

    @Test
    void aNewProviderIsUnknownWithNoHeadErrorOrLatency() {
        assertThat(health.state()).isEqualTo(UNKNOWN);
        assertThat(health.head()).isEqualTo(-1);
        assertThat(health.lastError()).isNull();
        assertThat(health.latencyMillis()).isEqualTo(-1);
        assertThat(health.chainVerified()).isFalse();
        assertThat(health.failures()).isZero();
        assertThat(transitions).isEmpty();
    }

    @Test
    void firstSuccessfulProbeMakesItUpWithItsHead() {
        health.probeSucceeded(100, false, true, null);

        assertThat(health.state()).isEqualTo(UP);
        assertThat(health.head()).isEqualTo(100);
        assertThat(health.headMillis()).isEqualTo(clock.millis());
        assertThat(health.chainVerified()).isTrue();
        assertThat(transitions).containsExactly(new ProviderHealth.Transition(UNKNOWN, UP, "probe answered"));
    }

    @Test
    void maxFailuresInARowMakeItDownNotFewer() {
        up(1);
        clock.advance(Duration.ofSeconds(5));
        health.failed("connection refused", true);
        health.failed("connection refused", true);
        assertThat(health.state()).as("after %d failures", MAX_FAILURES - 1).isEqualTo(UP);
        assertThat(health.lastError()).isEqualTo("connection refused");
        assertThat(health.lastErrorMillis()).isEqualTo(clock.millis());

        health.failed("timeout", true);
        assertThat(health.state()).isEqualTo(DOWN);
        assertThat(health.failures()).isEqualTo(MAX_FAILURES);
        assertThat(health.lastError()).isEqualTo("timeout");
        assertThat(transitions.get(transitions.size() - 1))
                .isEqualTo(new ProviderHealth.Transition(UP, DOWN, "3 failures in a row, last: timeout"));
    }

    @Test
    void failuresThatMayNotMarkDownOnlyRecordTheError() {
        up(1);
        for (int i = 0; i < 10; i++) {
            health.failed("HTTP 502", false);
        }
        assertThat(health.state()).isEqualTo(UP);
        assertThat(health.lastError()).isEqualTo("HTTP 502");
        assertThat(states()).containsExactly(UP);
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        up(1);
        health.failed("a", true);
        health.failed("b", true);
        health.probeSucceeded(2, false, null, null);
        health.failed("c", true);
        health.failed("d", true);
        assertThat(health.state()).isEqualTo(UP);

        health.requestSucceeded();
        health.failed("e", true);
        health.failed("f", true);
        assertThat(health.state()).isEqualTo(UP);
        health.failed("g", true);
        assertThat(health.state()).isEqualTo(DOWN);
    }

    @Test
    void anUnknownProviderFailingMaxFailuresTimesIsDown() {
        for (int i = 0; i < MAX_FAILURES; i++) {
            health.failed("connection refused", true);
        }
        assertThat(transitions).containsExactly(
                new ProviderHealth.Transition(UNKNOWN, DOWN, "3 failures in a row, last: connection refused"));
    }

    @Test
    void oneSuccessfulProbeBringsADownProviderBackUp() {
        up(1);
        for (int i = 0; i < 5; i++) {
            health.failed("connection refused", true);
        }
        assertThat(health.state()).isEqualTo(DOWN);

        health.probeSucceeded(7, false, true, null);
        assertThat(health.state()).isEqualTo(UP);
        assertThat(health.head()).isEqualTo(7);
        assertThat(health.failures()).isZero();
        assertThat(states()).containsExactly(UP, DOWN, UP);
    }

    @Test
    void aSuccessfulRequestBringsADownProviderBackUp() {
        for (int i = 0; i < MAX_FAILURES; i++) {
            health.failed("connection refused", true);
        }
        health.requestSucceeded();
        assertThat(health.state()).isEqualTo(UP);
        assertThat(health.failures()).isZero();
        assertThat(transitions.get(1)).isEqualTo(new ProviderHealth.Transition(DOWN, UP, "a request succeeded"));
    }

    @Test
    void aSuccessfulRequestLeavesOtherStatesAlone() {
        health.requestSucceeded();
        assertThat(health.state()).as("unknown stays unknown until probed").isEqualTo(UNKNOWN);
        up(10);
        health.lag(5, 3);
        health.requestSucceeded();
        assertThat(health.state()).isEqualTo(LAGGING);
    }

    @Test
    void aNodeReportingItIsSyncingIsSyncingUntilItIsNot() {
        health.probeSucceeded(5, true, true, null);
        assertThat(health.state()).isEqualTo(SYNCING);
        assertThat(transitions.get(0).reason()).isEqualTo("node reports it is syncing");

        health.probeSucceeded(6, true, null, null);
        assertThat(transitions).hasSize(1);

        health.probeSucceeded(7, false, null, null);
        assertThat(health.state()).isEqualTo(UP);
        assertThat(states()).containsExactly(SYNCING, UP);
    }

    @Test
    void aLaggingNodeThatStartsSyncingIsSyncing() {
        up(10);
        health.lag(10, 3);
        health.probeSucceeded(1, true, null, null);
        assertThat(health.state()).isEqualTo(SYNCING);
    }

    @Test
    void chainMismatchMakesItMisconfiguredUntilAProbeFindsTheRightChain() {
        health.probeSucceeded(5, false, false, "expected chain id 1, got 5");
        assertThat(health.state()).isEqualTo(MISCONFIGURED);
        assertThat(health.chainVerified()).isFalse();
        assertThat(transitions).containsExactly(
                new ProviderHealth.Transition(UNKNOWN, MISCONFIGURED, "expected chain id 1, got 5"));

        // Probes that did not ask for the chain, or found it wrong again, change nothing (and report nothing).
        health.probeSucceeded(6, false, null, null);
        health.probeSucceeded(7, false, false, "expected chain id 1, got 5");
        health.probeSucceeded(8, true, false, "expected chain id 1, got 5");
        // Failures and an opened breaker do not hide the real problem behind DOWN.
        for (int i = 0; i < 5; i++) {
            health.failed("connection refused", true);
        }
        health.breakerOpened("circuit breaker opened");
        health.lag(100, 3);
        assertThat(health.state()).isEqualTo(MISCONFIGURED);
        assertThat(transitions).hasSize(1);

        health.probeSucceeded(9, false, true, null);
        assertThat(health.state()).isEqualTo(UP);
        assertThat(health.chainVerified()).isTrue();
        assertThat(states()).containsExactly(MISCONFIGURED, UP);
    }

    @Test
    void aProviderWhoseChainWasRightAndTurnsWrongIsMisconfigured() {
        up(1);
        health.probeSucceeded(2, false, false, "expected chain id 1, got 10");
        assertThat(health.state()).isEqualTo(MISCONFIGURED);
        assertThat(health.chainVerified()).isFalse();
    }

    @Test
    void lagAboveMaxLagBlocksMakesItLaggingAndBackUnderMakesItUp() {
        up(10);
        health.lag(3, 3);
        assertThat(health.state()).as("exactly max-lag-blocks behind").isEqualTo(UP);

        health.lag(4, 3);
        assertThat(health.state()).isEqualTo(LAGGING);
        assertThat(transitions.get(1).reason()).isEqualTo("4 blocks behind the best head (max-lag-blocks 3)");

        // A probe alone does not end the lag: only the comparison with the best head does.
        health.probeSucceeded(14, false, null, null);
        assertThat(health.state()).isEqualTo(LAGGING);
        assertThat(health.head()).isEqualTo(14);

        health.lag(3, 3);
        assertThat(health.state()).isEqualTo(UP);
        assertThat(transitions.get(2)).isEqualTo(new ProviderHealth.Transition(LAGGING, UP, "caught up (3 blocks behind)"));
        assertThat(states()).containsExactly(UP, LAGGING, UP);
    }

    @Test
    void lagDoesNotTouchUnknownDownSyncingOrMisconfiguredProviders() {
        health.lag(50, 3);
        assertThat(health.state()).isEqualTo(UNKNOWN);

        health.probeSucceeded(1, true, true, null);
        health.lag(50, 3);
        assertThat(health.state()).isEqualTo(SYNCING);

        up(1);
        for (int i = 0; i < MAX_FAILURES; i++) {
            health.failed("x", true);
        }
        health.lag(50, 3);
        health.lag(0, 3);
        assertThat(health.state()).isEqualTo(DOWN);
    }

    @Test
    void anOpenedBreakerMakesItDownAndAClosedOneUpAgain() {
        up(1);
        health.breakerOpened("circuit breaker opened");
        assertThat(health.state()).isEqualTo(DOWN);
        assertThat(transitions.get(1)).isEqualTo(new ProviderHealth.Transition(UP, DOWN, "circuit breaker opened"));

        health.failed("a", true);
        health.breakerClosed();
        assertThat(health.state()).isEqualTo(UP);
        assertThat(health.failures()).isZero();
        assertThat(transitions.get(2)).isEqualTo(new ProviderHealth.Transition(DOWN, UP, "circuit breaker closed"));
    }

    @Test
    void aClosedBreakerOnlyRevivesADownProvider() {
        up(10);
        health.lag(10, 3);
        health.breakerClosed();
        assertThat(health.state()).isEqualTo(LAGGING);

        ProviderHealth fresh = new ProviderHealth(MAX_FAILURES, clock);
        fresh.breakerClosed();
        assertThat(fresh.state()).isEqualTo(UNKNOWN);
    }

    @Test
    void resetIsAnOperatorsCleanSlate() {
        up(1);
        for (int i = 0; i < MAX_FAILURES; i++) {
            health.failed("connection refused", true);
        }
        health.reset();
        assertThat(health.state()).isEqualTo(UNKNOWN);
        assertThat(health.lastError()).isNull();
        assertThat(health.failures()).isZero();
        assertThat(transitions.get(transitions.size() - 1)).isEqualTo(new ProviderHealth.Transition(DOWN, UNKNOWN, "reinstated"));

        health.failed("again", true);
        health.failed("again", true);
        assertThat(health.state()).as("the count started over").isEqualTo(UNKNOWN);
    }

    @Test
    void headsObservedFromAnswersOnlyMoveForward() {
        up(100);
        health.observeHead(90);
        assertThat(health.head()).isEqualTo(100);
        clock.advance(Duration.ofSeconds(3));
        health.observeHead(105);
        assertThat(health.head()).isEqualTo(105);
        assertThat(health.headMillis()).isEqualTo(clock.millis());
    }

    @Test
    void latencyIsAMovingAverageOfRecentCalls() {
        health.observeLatency(Duration.ofMillis(100).toNanos());
        assertThat(health.latencyMillis()).isEqualTo(100.0);
        health.observeLatency(Duration.ofMillis(200).toNanos());
        assertThat(health.latencyMillis()).isCloseTo(120.0, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void sameStateAgainIsNoTransition() {
        up(1);
        up(2);
        health.probeSucceeded(3, false, null, null);
        assertThat(transitions).hasSize(1);
    }

    /** A real Provider from the real factory: health and its circuit breaker follow each other. */
    @Nested
    class WithItsCircuitBreaker {

        private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        private final List<Provider> created = new ArrayList<>();
        private ProviderFactory factory;

        @AfterEach
        void dispose() {
            created.forEach(factory::dispose);
        }

        /** Breaker threshold far above max-failures, so DOWN comes from health alone. */
        private Provider provider(boolean probing, boolean breakerEnabled) {
            factory = new ProviderFactory(clock, Breakers.of(breakers, clock), 1 << 20, probing,
                    FleetLimits.local(clock));
            NetworkDefinition network = new NetworkDefinition(ProviderFixtures.NETWORK, 1L, StrategyType.PRIORITY_WEIGHTED,
                    Duration.ofSeconds(10), 5, 3, new CircuitBreakerProperties(breakerEnabled, 10, Duration.ofSeconds(60)),
                    new RateLimitBackoffProperties(true, Duration.ofSeconds(60), Duration.ofSeconds(900)), List.of(),
                    List.of(), List.of(), RequestPaths.DEFAULTS);
            URI url = URI.create("http://127.0.0.1:1/");
            ProviderDefinition definition = new ProviderDefinition("p" + created.size(), ProviderFixtures.NETWORK,
                    "local", url, url.toString(), null, 100, Duration.ofSeconds(5), MAX_FAILURES,
                    Duration.ofSeconds(30), Map.of(), null, new MethodsProperties(List.of(), List.of()));
            Provider provider = factory.create(network, definition);
            created.add(provider);
            return provider;
        }

        @Test
        void failedRequestsMarkItDownAndOpenTheBreakerWhileProbesRun() {
            Provider p = provider(true, true);
            p.health().probeSucceeded(1, false, true, null);
            ProviderFixtures.fail(p);
            ProviderFixtures.fail(p);
            assertThat(p.health().state()).isEqualTo(UP);
            assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);

            ProviderFixtures.fail(p);
            assertThat(p.health().state()).isEqualTo(DOWN);
            assertThat(p.breaker().getState()).as("DOWN opens the breaker").isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);
            assertThat(p.health().lastError()).isEqualTo("test failure");
        }

        @Test
        void withoutProbesFailedRequestsNeverMarkItDown() {
            Provider p = provider(false, true);
            for (int i = 0; i < 9; i++) {
                ProviderFixtures.fail(p);
            }
            assertThat(p.health().state()).as("nothing would bring it back").isEqualTo(UNKNOWN);
            assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(p.availability()).isEqualTo(Availability.USABLE);
        }

        @Test
        void aSuccessfulProbeOfADownProviderClosesItsBreaker() {
            Provider p = provider(true, true);
            for (int i = 0; i < MAX_FAILURES; i++) {
                p.health().failed("connection refused", true);
            }
            assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

            p.health().probeSucceeded(5, false, true, null);
            assertThat(p.health().state()).isEqualTo(UP);
            assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(p.availability()).isEqualTo(Availability.USABLE);
        }

        @Test
        void anOpenedBreakerMakesItDownAndItsClosingMakesItUp() {
            Provider p = provider(true, true);
            p.health().probeSucceeded(1, false, true, null);
            p.breaker().transitionToOpenState();
            assertThat(p.health().state()).isEqualTo(DOWN);

            p.breaker().transitionToClosedState();
            assertThat(p.health().state()).isEqualTo(UP);
        }

        @Test
        void aSuccessfulHalfOpenTrialMakesADownProviderUp() {
            Provider p = provider(true, true);
            for (int i = 0; i < MAX_FAILURES; i++) {
                p.health().failed("connection refused", true);
            }
            assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);

            clock.advance(Duration.ofSeconds(61));
            assertThat(p.availability()).as("the trial call may go").isEqualTo(Availability.USABLE);
            assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            ProviderFixtures.succeed(p);
            assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(p.health().state()).isEqualTo(UP);
        }

        @Test
        void aResetProviderIsUnknownWithItsBreakerClosed() {
            Provider p = provider(true, true);
            for (int i = 0; i < MAX_FAILURES; i++) {
                p.health().failed("connection refused", true);
            }
            p.health().reset();
            assertThat(p.health().state()).isEqualTo(UNKNOWN);
            assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(p.availability()).as("a cold provider serves").isEqualTo(Availability.USABLE);
        }

        @Test
        void availabilityFollowsTheHealthState() {
            Provider p = provider(true, false);
            assertThat(p.availability()).isEqualTo(Availability.USABLE);
            p.health().probeSucceeded(10, false, true, null);
            p.health().lag(10, 3);
            assertThat(p.availability()).isEqualTo(Availability.LAGGING);
            assertThat(p.availability().selectable()).isTrue();
            p.health().probeSucceeded(10, true, null, null);
            assertThat(p.availability()).isEqualTo(Availability.SYNCING);
            assertThat(p.availability().selectable()).isTrue();
            for (int i = 0; i < MAX_FAILURES; i++) {
                p.health().failed("connection refused", true);
            }
            assertThat(p.availability()).as("breaker disabled: DOWN itself keeps it out").isEqualTo(Availability.DOWN);
            assertThat(p.availability().selectable()).isFalse();
            p.health().probeSucceeded(10, false, false, "expected chain id 1, got 5");
            assertThat(p.availability()).isEqualTo(Availability.MISCONFIGURED);
            assertThat(p.availability().selectable()).isFalse();
        }
    }
}
