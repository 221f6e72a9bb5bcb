package io.tiergate.selection;

import static io.tiergate.provider.ProviderFixtures.fail;
import static io.tiergate.provider.ProviderFixtures.rateLimit;
import static io.tiergate.provider.ProviderFixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tiergate.provider.CircuitBreakerSettings;
import io.tiergate.provider.BackoffSettings;
import io.tiergate.provider.Provider;
import io.tiergate.provider.ProviderFixtures;
import io.tiergate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthScoreTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    // A breaker that never opens here, so that many failures in a row can be recorded.
    private final ProviderFixtures fixtures = new ProviderFixtures(clock,
            new CircuitBreakerSettings(true, 1000, Duration.ofSeconds(60)),
            new BackoffSettings(true, Duration.ofSeconds(60), Duration.ofSeconds(900)));

    @AfterEach
    void dispose() {
        fixtures.close();
    }

    private double score(Provider p) {
        return HealthScore.of(p, clock.millis());
    }

    @Test
    void freshProviderScoresItsWeight() {
        assertThat(score(fixtures.provider("a", "local", 80))).isEqualTo(80.0);
    }

    @Test
    void eachFailureInARowHalvesTheScore() {
        Provider p = fixtures.provider("a", "local", 100);

        fail(p);
        assertThat(score(p)).isEqualTo(50.0);
        fail(p);
        assertThat(score(p)).isEqualTo(25.0);
        fail(p);
        assertThat(score(p)).isEqualTo(12.5);
    }

    @Test
    void manyFailuresLeaveAPositiveScore() {
        Provider p = fixtures.provider("a", "local", 100);
        for (int i = 0; i < 100; i++) {
            fail(p);
        }

        assertThat(score(p)).isPositive().isLessThan(0.1);
    }

    @Test
    void successEndsTheRunOfFailuresAndGivesASmallBonus() {
        Provider p = fixtures.provider("a", "local", 100);
        fail(p);
        fail(p);

        succeed(p);

        assertThat(score(p)).isCloseTo(110.0, within(1e-9));
    }

    @Test
    void recentSuccessBonusLastsThirtySeconds() {
        Provider p = fixtures.provider("a", "local", 100);
        succeed(p);
        assertThat(score(p)).isCloseTo(110.0, within(1e-9));

        clock.advance(Duration.ofMillis(29_999));
        assertThat(score(p)).isCloseTo(110.0, within(1e-9));

        clock.advance(Duration.ofMillis(1));
        assertThat(score(p)).isEqualTo(100.0);
    }

    @Test
    void failureAfterASuccessTakesTheBonusAway() {
        Provider p = fixtures.provider("a", "local", 100);
        succeed(p);

        fail(p);

        assertThat(score(p)).isEqualTo(50.0);
    }

    @Test
    void recentRateLimitCutsTheScoreToATenthForFiveMinutes() {
        Provider p = fixtures.provider("a", "cloud", 60);

        rateLimit(p);
        assertThat(score(p)).isCloseTo(6.0, within(1e-9));

        clock.advance(Duration.ofSeconds(61)); // resting is over
        assertThat(p.backoff().isActive()).isFalse();
        assertThat(score(p)).isCloseTo(6.0, within(1e-9));

        clock.advance(Duration.ofMillis(300_000 - 61_000 - 1));
        assertThat(score(p)).isCloseTo(6.0, within(1e-9));

        clock.advance(Duration.ofMillis(1));
        assertThat(score(p)).isEqualTo(60.0);
    }

    @Test
    void rateLimitIsNotCountedAsAFailure() {
        Provider p = fixtures.provider("a", "cloud", 100);

        rateLimit(p);
        clock.advance(Duration.ofMinutes(5));

        assertThat(p.consecutiveFailures()).isZero();
        assertThat(score(p)).isEqualTo(100.0);
    }

    @Test
    void factorsCombine() {
        Provider p = fixtures.provider("a", "cloud", 100);
        rateLimit(p);
        clock.advance(Duration.ofSeconds(61));
        succeed(p);

        assertThat(score(p)).isCloseTo(100 * 0.1 * 1.1, within(1e-9));

        fail(p);
        fail(p);
        assertThat(score(p)).isCloseTo(100 / 4.0 * 0.1, within(1e-9));
    }

    @Test
    void zeroWeightScoresZeroWhateverHappens() {
        Provider p = fixtures.provider("a", "local", 0);
        succeed(p);

        assertThat(score(p)).isZero();
    }
}
