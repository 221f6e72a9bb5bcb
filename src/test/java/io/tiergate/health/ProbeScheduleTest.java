package io.tiergate.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When probes are due, on a clock the test moves: first at once, then every interval give or take 10 %. */
class ProbeScheduleTest {

    private static final long INTERVAL = 30_000;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ProbeSchedule schedule = new ProbeSchedule(INTERVAL, clock);

    @Test
    void theFirstProbeIsDueAtOnce() {
        assertThat(schedule.nextMillis()).isEqualTo(clock.millis());
        assertThat(schedule.tryStart()).isTrue();
    }

    @Test
    void theNextProbeIsDueOneIntervalLaterGiveOrTakeATenth() {
        long start = clock.millis();
        assertThat(schedule.tryStart()).isTrue();
        schedule.finished();
        long next = schedule.nextMillis();
        assertThat(next).isBetween(start + 27_000, start + 33_000);

        clock.setInstant(Instant.ofEpochMilli(next - 1));
        assertThat(schedule.tryStart()).as("1 ms early").isFalse();
        clock.setInstant(Instant.ofEpochMilli(next));
        assertThat(schedule.tryStart()).isTrue();
        assertThat(schedule.nextMillis()).isBetween(next + 27_000, next + 33_000);
    }

    @Test
    void jitterSpreadsProbesOverBothSidesOfTheInterval() {
        Set<Long> offsets = new HashSet<>();
        long start = clock.millis();
        for (int i = 0; i < 200; i++) {
            ProbeSchedule s = new ProbeSchedule(INTERVAL, clock);
            assertThat(s.tryStart()).isTrue();
            long offset = s.nextMillis() - start;
            assertThat(offset).isBetween(27_000L, 33_000L);
            offsets.add(offset);
        }
        assertThat(offsets.size()).as("distinct delays in 200 schedules").isGreaterThan(100);
        assertThat(offsets.stream().anyMatch(o -> o < INTERVAL)).isTrue();
        assertThat(offsets.stream().anyMatch(o -> o > INTERVAL)).isTrue();
    }

    @Test
    void neverTwoProbesAtOnce() {
        assertThat(schedule.tryStart()).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(schedule.tryStart()).as("due, but the last probe still runs").isFalse();
        schedule.finished();
        assertThat(schedule.tryStart()).isTrue();
    }

    @Test
    void aLongPauseGivesOneProbeNotACatchUpBurst() {
        assertThat(schedule.tryStart()).isTrue();
        schedule.finished();
        clock.advance(Duration.ofMinutes(10));
        int started = 0;
        for (int i = 0; i < 20; i++) {
            if (schedule.tryStart()) {
                started++;
                schedule.finished();
            }
        }
        assertThat(started).isEqualTo(1);
        assertThat(schedule.nextMillis()).isGreaterThanOrEqualTo(clock.millis() + 27_000);
    }

    @Test
    void postponeMovesTheNextProbeLaterNeverEarlier() {
        long start = clock.millis();
        schedule.tryStart();
        schedule.finished();
        long next = schedule.nextMillis();

        schedule.postponeUntil(start + 120_000);
        assertThat(schedule.nextMillis()).isEqualTo(start + 120_000);
        schedule.postponeUntil(start + 60_000);
        assertThat(schedule.nextMillis()).as("an earlier date changes nothing").isEqualTo(start + 120_000);

        clock.setInstant(Instant.ofEpochMilli(next + 1));
        assertThat(schedule.tryStart()).as("the usual time has come, the rest is not over").isFalse();
        clock.setInstant(Instant.ofEpochMilli(start + 120_000));
        assertThat(schedule.tryStart()).isTrue();
    }

    @Test
    void dueNowBringsTheNextProbeForward() {
        schedule.tryStart();
        schedule.finished();
        clock.advance(Duration.ofSeconds(1));
        assertThat(schedule.tryStart()).isFalse();

        schedule.dueNow();
        assertThat(schedule.nextMillis()).isEqualTo(clock.millis());
        assertThat(schedule.tryStart()).isTrue();
    }

    @Test
    void aTinyIntervalHasNoJitter() {
        ProbeSchedule tiny = new ProbeSchedule(5, clock);
        long start = clock.millis();
        assertThat(tiny.tryStart()).isTrue();
        assertThat(tiny.nextMillis()).isEqualTo(start + 5);
    }
}
