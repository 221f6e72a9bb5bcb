package io.tiergate.provider;

import static io.tiergate.provider.ProviderFixtures.fail;
import static io.tiergate.provider.ProviderFixtures.rateLimit;
import static io.tiergate.provider.ProviderFixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.tiergate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static final Duration OPEN_DURATION = Duration.ofSeconds(30);
    private static final Duration JUST_PAST_OPEN_DURATION = OPEN_DURATION.plusMillis(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ProviderFixtures fixtures = fixtures(new CircuitBreakerSettings(true, 3, OPEN_DURATION));

    private ProviderFixtures fixtures(CircuitBreakerSettings breaker) {
        return new ProviderFixtures(clock, breaker,
                new BackoffSettings(true, Duration.ofSeconds(60), Duration.ofSeconds(900)));
    }

    @AfterEach
    void dispose() {
        fixtures.close();
    }

    private Provider openProvider() {
        Provider p = fixtures.provider("geth_local", "local", 80);
        fail(p);
        fail(p);
        fail(p);
        assertThat(p.breaker().getState()).isEqualTo(State.OPEN);
        return p;
    }

    @Test
    void opensAfterThresholdFailuresInARow() {
        Provider p = fixtures.provider("erigon_local", "local", 100);

        fail(p);
        fail(p);
        assertThat(p.breaker().getState()).isEqualTo(State.CLOSED);
        assertThat(p.availability()).isEqualTo(Availability.USABLE);

        fail(p);
        assertThat(p.breaker().getState()).isEqualTo(State.OPEN);
        assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);
        assertThat(p.tryAcquirePermission()).isFalse();
    }

    @Test
    void doesNotOpenWhenFailuresAreMixedWithSuccesses() {
        Provider p = fixtures.provider("erigon_local", "local", 100);

        for (int i = 0; i < 10; i++) {
            fail(p);
            fail(p);
            succeed(p);
        }
        assertThat(p.breaker().getState()).isEqualTo(State.CLOSED);

        fail(p);
        fail(p);
        assertThat(p.breaker().getState()).as("success, failure, failure").isEqualTo(State.CLOSED);
        fail(p);
        assertThat(p.breaker().getState()).isEqualTo(State.OPEN);
    }

    @Test
    void thresholdIsConfigurable() {
        try (ProviderFixtures one = fixtures(new CircuitBreakerSettings(true, 1, OPEN_DURATION))) {
            Provider p = one.provider("fragile", "local", 100);

            fail(p);

            assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);
        }
    }

    @Test
    void staysOpenUntilOpenDurationHasPassedOnTheClock() {
        Provider p = openProvider();

        clock.advance(OPEN_DURATION.minusSeconds(1));
        assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);
        assertThat(p.tryAcquirePermission()).isFalse();

        clock.advance(Duration.ofSeconds(1).plusMillis(1));
        assertThat(p.availability()).isEqualTo(Availability.USABLE);
        assertThat(p.breaker().getState()).as("reading availability moves nothing").isEqualTo(State.OPEN);
        assertThat(p.tryAcquirePermission()).isTrue();
        assertThat(p.breaker().getState()).as("the trial call's permit does").isEqualTo(State.HALF_OPEN);
    }

    @Test
    void halfOpenLetsExactlyOneTrialCallThrough() {
        Provider p = openProvider();
        clock.advance(JUST_PAST_OPEN_DURATION);

        // Asking whether it is usable must not use the trial up.
        for (int i = 0; i < 5; i++) {
            assertThat(p.availability()).isEqualTo(Availability.USABLE);
        }

        assertThat(p.tryAcquirePermission()).isTrue();
        assertThat(p.tryAcquirePermission()).isFalse();
        assertThat(p.tryAcquirePermission()).isFalse();
    }

    @Test
    void successfulTrialClosesTheBreaker() {
        Provider p = openProvider();
        clock.advance(JUST_PAST_OPEN_DURATION);

        succeed(p);

        assertThat(p.breaker().getState()).isEqualTo(State.CLOSED);
        for (int i = 0; i < 5; i++) {
            assertThat(p.tryAcquirePermission()).isTrue();
            p.record(io.tiergate.upstream.Outcome.Answered.INSTANCE, 1, true);
        }
    }

    @Test
    void failedTrialReopensTheBreakerForAnotherOpenDuration() {
        Provider p = openProvider();
        clock.advance(JUST_PAST_OPEN_DURATION);

        fail(p);

        assertThat(p.breaker().getState()).isEqualTo(State.OPEN);
        assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);
        clock.advance(OPEN_DURATION.minusSeconds(1));
        assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);
        clock.advance(Duration.ofSeconds(1).plusMillis(1));
        assertThat(p.availability()).isEqualTo(Availability.USABLE);
    }

    @Test
    void abandonedTrialHandsThePermitBack() {
        Provider p = openProvider();
        clock.advance(JUST_PAST_OPEN_DURATION);
        assertThat(p.tryAcquirePermission()).isTrue();

        p.releasePermission();

        assertThat(p.tryAcquirePermission()).isTrue();
    }

    @Test
    void rateLimitsDoNotOpenTheBreaker() {
        Provider p = fixtures.provider("infura_primary", "cloud", 60);

        for (int i = 0; i < 10; i++) {
            rateLimit(p);
            clock.advance(Duration.ofMinutes(16));
        }

        assertThat(p.breaker().getState()).isEqualTo(State.CLOSED);
        assertThat(p.availability()).isEqualTo(Availability.USABLE);
    }

    @Test
    void rateLimitDuringTheTrialNeitherClosesNorReopensTheBreaker() {
        Provider p = openProvider();
        clock.advance(JUST_PAST_OPEN_DURATION);

        rateLimit(p);

        assertThat(p.breaker().getState()).isEqualTo(State.HALF_OPEN);
        assertThat(p.availability()).isEqualTo(Availability.RATE_LIMITED);
        clock.advance(Duration.ofSeconds(60));
        assertThat(p.tryAcquirePermission()).as("the trial is still to be made").isTrue();
    }

    @Test
    void disabledBreakerNeverOpens() {
        try (ProviderFixtures off = fixtures(new CircuitBreakerSettings(false, 3, OPEN_DURATION))) {
            Provider p = off.provider("erigon_local", "local", 100);

            for (int i = 0; i < 20; i++) {
                fail(p);
            }

            assertThat(p.availability()).isEqualTo(Availability.USABLE);
        }
    }

    @Test
    void eachProviderHasItsOwnBreaker() {
        Provider broken = openProvider();
        Provider healthy = fixtures.provider("erigon_local", "local", 100);

        assertThat(broken.availability()).isEqualTo(Availability.CIRCUIT_OPEN);
        assertThat(healthy.availability()).isEqualTo(Availability.USABLE);
    }
}
