package io.tiergate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentCallsTest {

    private final RecentCalls recent = new RecentCalls(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));

    @Test
    void latencyQuantileOfTheAnsweredCalls() {
        for (int ms = 1; ms <= 100; ms++) {
            recent.record(false, ms * 1_000_000L);
        }
        recent.record(true, 60_000_000_000L); // a failure (a timeout) is no answer: not a latency sample

        assertThat(recent.latencyQuantile(0.9, 20)).isEqualTo(90_000_000L);
        assertThat(recent.latencyQuantile(0.5, 20)).isEqualTo(50_000_000L);
        assertThat(recent.latencyQuantile(0.999, 20)).isEqualTo(100_000_000L);
        assertThat(recent.perMinute()).isEqualTo(101);
    }

    @Test
    void noQuantileUntilEnoughCallsAnswered() {
        for (int i = 0; i < 19; i++) {
            recent.record(false, 5_000_000L);
        }
        assertThat(recent.latencyQuantile(0.9, 20)).isEqualTo(-1);
        recent.record(false, 5_000_000L);
        assertThat(recent.latencyQuantile(0.9, 20)).isEqualTo(5_000_000L);
    }

    @Test
    void onlyTheLatestSamplesCount() {
        for (int i = 0; i < RecentCalls.LATENCY_SAMPLES; i++) {
            recent.record(false, 500_000_000L);
        }
        for (int i = 0; i < RecentCalls.LATENCY_SAMPLES; i++) {
            recent.record(false, 2_000_000L);
        }
        assertThat(recent.latencyQuantile(0.99, 20)).isEqualTo(2_000_000L);
    }
}
