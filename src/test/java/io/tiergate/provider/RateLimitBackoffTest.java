package io.tiergate.provider;

import static io.tiergate.provider.ProviderFixtures.rateLimit;
import static io.tiergate.provider.ProviderFixtures.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitBackoffTest {

    private static final BackoffSettings DEFAULTS =
            new BackoffSettings(true, Duration.ofSeconds(60), Duration.ofSeconds(900));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static List<Long> restsInSeconds(RateLimitBackoff backoff, int limits) {
        List<Long> rests = new ArrayList<>();
        for (int i = 0; i < limits; i++) {
            rests.add(backoff.trip(null).toSeconds());
        }
        return rests;
    }

    @Test
    void restDoublesWithEachLimitInARowFromSixtySecondsUpToFifteenMinutes() {
        RateLimitBackoff backoff = new RateLimitBackoff(DEFAULTS, clock);

        assertThat(restsInSeconds(backoff, 8)).containsExactly(60L, 120L, 240L, 480L, 900L, 900L, 900L, 900L);
    }

    @Test
    void restStaysCappedAfterVeryManyLimits() {
        RateLimitBackoff backoff = new RateLimitBackoff(DEFAULTS, clock);
        restsInSeconds(backoff, 500);

        assertThat(backoff.trip(null)).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void configuredInitialAndMaxAreHonoured() {
        RateLimitBackoff backoff = new RateLimitBackoff(
                new BackoffSettings(true, Duration.ofSeconds(1), Duration.ofSeconds(5)), clock);

        assertThat(restsInSeconds(backoff, 5)).containsExactly(1L, 2L, 4L, 5L, 5L);
    }

    @Test
    void providerRestsExactlyAsLongAsTheBackoffSays() {
        RateLimitBackoff backoff = new RateLimitBackoff(DEFAULTS, clock);
        Instant start = clock.instant();

        backoff.trip(null);

        assertThat(backoff.isActive()).isTrue();
        assertThat(backoff.untilMillis()).isEqualTo(start.plusSeconds(60).toEpochMilli());
        clock.advance(Duration.ofMillis(59_999));
        assertThat(backoff.isActive()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(backoff.isActive()).isFalse();
    }

    @Test
    void retryAfterIsUsedInsteadOfTheBackoff() {
        RateLimitBackoff backoff = new RateLimitBackoff(DEFAULTS, clock);

        assertThat(backoff.trip(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofMillis(4_999));
        assertThat(backoff.isActive()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(backoff.isActive()).isFalse();
    }

    @Test
    void retryAfterIsCappedAtMax() {
        RateLimitBackoff backoff = new RateLimitBackoff(DEFAULTS, clock);

        assertThat(backoff.trip(Duration.ofHours(24))).isEqualTo(Duration.ofSeconds(900));
        clock.advance(Duration.ofSeconds(900));
        assertThat(backoff.isActive()).isFalse();
    }

    @Test
    void retryAfterOfZeroMeansNoRest() {
        RateLimitBackoff backoff = new RateLimitBackoff(DEFAULTS, clock);

        assertThat(backoff.trip(Duration.ZERO)).isZero();
        assertThat(backoff.isActive()).isFalse();
    }

    @Test
    void aShorterRetryAfterDoesNotCutAnOngoingRestShort() {
        RateLimitBackoff backoff = new RateLimitBackoff(DEFAULTS, clock);
        backoff.trip(null); // 60 s

        backoff.trip(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(30));

        assertThat(backoff.isActive()).isTrue();
    }

    @Test
    void successResetsTheRunOfLimits() {
        RateLimitBackoff backoff = new RateLimitBackoff(DEFAULTS, clock);
        restsInSeconds(backoff, 3);
        assertThat(backoff.strikes()).isEqualTo(3);

        backoff.reset();

        assertThat(backoff.strikes()).isZero();
        assertThat(backoff.trip(null)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void disabledBackoffNeverRests() {
        RateLimitBackoff backoff = new RateLimitBackoff(
                new BackoffSettings(false, Duration.ofSeconds(60), Duration.ofSeconds(900)), clock);

        for (int i = 0; i < 5; i++) {
            assertThat(backoff.trip(null)).isZero();
            assertThat(backoff.trip(Duration.ofSeconds(30))).isZero();
            assertThat(backoff.isActive()).isFalse();
        }
    }

    // --- through a provider, as the router drives it -------------------------------------------

    @Test
    void rateLimitedProviderIsUnavailableWhileRestingAndSuccessResetsItsBackoff() {
        try (ProviderFixtures fixtures = new ProviderFixtures(clock)) {
            Provider p = fixtures.provider("infura_primary", "cloud", 60);

            assertThat(rateLimit(p)).isEqualTo(Duration.ofSeconds(60));
            assertThat(p.availability()).isEqualTo(Availability.RATE_LIMITED);
            clock.advance(Duration.ofSeconds(60));
            assertThat(p.availability()).isEqualTo(Availability.USABLE);

            assertThat(rateLimit(p)).isEqualTo(Duration.ofSeconds(120));
            clock.advance(Duration.ofSeconds(119));
            assertThat(p.availability()).isEqualTo(Availability.RATE_LIMITED);
            clock.advance(Duration.ofSeconds(1));

            succeed(p);
            assertThat(rateLimit(p)).isEqualTo(Duration.ofSeconds(60));
        }
    }

    @Test
    void providerHonoursRetryAfter() {
        try (ProviderFixtures fixtures = new ProviderFixtures(clock)) {
            Provider p = fixtures.provider("alchemy_primary", "cloud", 60);

            assertThat(rateLimit(p, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
            assertThat(p.availability()).isEqualTo(Availability.RATE_LIMITED);
            clock.advance(Duration.ofSeconds(5));
            assertThat(p.availability()).isEqualTo(Availability.USABLE);
        }
    }

    @Test
    void providerWithDisabledBackoffStaysUsableWhenRateLimited() {
        try (ProviderFixtures fixtures = new ProviderFixtures(clock,
                new CircuitBreakerSettings(true, 3, Duration.ofSeconds(60)),
                new BackoffSettings(false, Duration.ofSeconds(60), Duration.ofSeconds(900)))) {
            Provider p = fixtures.provider("infura_primary", "cloud", 60);

            assertThat(rateLimit(p)).isZero();
            assertThat(p.availability()).isEqualTo(Availability.USABLE);
        }
    }
}
