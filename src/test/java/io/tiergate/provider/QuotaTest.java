package io.tiergate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotaTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void budgetIsSpentAfterNCalls() {
        Quota quota = Quota.of(new Quota.Spec(5, Duration.ofMinutes(1)), clock);

        for (int i = 0; i < 5; i++) {
            assertThat(quota.isExhausted()).isFalse();
            assertThat(quota.tryConsume(1)).isTrue();
        }

        assertThat(quota.isExhausted()).isTrue();
        assertThat(quota.remaining()).isZero();
        assertThat(quota.tryConsume(1)).isFalse();
    }

    @Test
    void spentBudgetComesBackOnlyWhenThePeriodRollsOver() {
        Quota quota = Quota.of(new Quota.Spec(3, Duration.ofMinutes(1)), clock);
        clock.advance(Duration.ofSeconds(20));
        assertThat(quota.tryConsume(3)).isTrue();

        clock.advance(Duration.ofMillis(39_999));
        assertThat(quota.isExhausted()).isTrue();
        assertThat(quota.tryConsume(1)).isFalse();

        clock.advance(Duration.ofMillis(1));
        assertThat(quota.isExhausted()).isFalse();
        assertThat(quota.remaining()).isEqualTo(3);
    }

    @Test
    void budgetComesBackWholeAtOnceNotGradually() {
        Quota quota = Quota.of(new Quota.Spec(100, Duration.ofHours(1)), clock);
        quota.tryConsume(100);

        clock.advance(Duration.ofMinutes(59));

        assertThat(quota.remaining()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(quota.remaining()).isEqualTo(100);
    }

    @Test
    void unusedBudgetDoesNotPileUpBeyondOnePeriod() {
        Quota quota = Quota.of(new Quota.Spec(10, Duration.ofMinutes(1)), clock);

        clock.advance(Duration.ofMinutes(10));

        assertThat(quota.remaining()).isEqualTo(10);
        assertThat(quota.tryConsume(11)).isFalse();
    }

    @Test
    void batchCallsConsumeOneTokenPerCall() {
        Quota quota = Quota.of(new Quota.Spec(10, Duration.ofMinutes(1)), clock);

        assertThat(quota.tryConsume(7)).isTrue();
        assertThat(quota.remaining()).isEqualTo(3);

        assertThat(quota.tryConsume(4)).as("a batch larger than what is left").isFalse();
        assertThat(quota.remaining()).as("a refused batch takes nothing").isEqualTo(3);

        assertThat(quota.tryConsume(3)).isTrue();
        assertThat(quota.isExhausted()).isTrue();
    }

    @Test
    void noSpecMeansUnlimited() {
        Quota quota = Quota.of(null, clock);

        assertThat(quota.isLimited()).isFalse();
        for (int i = 0; i < 10_000; i++) {
            assertThat(quota.tryConsume(1_000)).isTrue();
        }
        assertThat(quota.isExhausted()).isFalse();
        assertThat(quota.remaining()).isEqualTo(-1);
    }

    @Test
    void providerWithSpentQuotaIsSkippedUntilThePeriodRollsOver() {
        try (ProviderFixtures fixtures = new ProviderFixtures(clock)) {
            Provider p = fixtures.provider("infura_primary", "cloud", 60, new Quota.Spec(2, Duration.ofDays(1)));
            assertThat(p.quota().isLimited()).isTrue();
            assertThat(p.availability()).isEqualTo(Availability.USABLE);

            assertThat(p.quota().tryConsume(2)).isTrue();
            assertThat(p.availability()).isEqualTo(Availability.QUOTA_EXHAUSTED);

            clock.advance(Duration.ofHours(23));
            assertThat(p.availability()).isEqualTo(Availability.QUOTA_EXHAUSTED);
            clock.advance(Duration.ofHours(1));
            assertThat(p.availability()).isEqualTo(Availability.USABLE);
        }
    }

    @Test
    void providerWithoutQuotaNeverRunsOut() {
        try (ProviderFixtures fixtures = new ProviderFixtures(clock)) {
            Provider p = fixtures.provider("erigon_local", "local", 100);

            for (int i = 0; i < 1000; i++) {
                assertThat(p.quota().tryConsume(100)).isTrue();
            }
            assertThat(p.availability()).isEqualTo(Availability.USABLE);
        }
    }
}
