package io.tiergate.selection;

import static io.tiergate.provider.ProviderFixtures.fail;
import static io.tiergate.provider.ProviderFixtures.rateLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tiergate.provider.Provider;
import io.tiergate.provider.ProviderFixtures;
import io.tiergate.provider.StrategyType;
import io.tiergate.testsupport.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StrategiesTest {

    private static final int PICKS = 20_000;
    /** Absolute tolerance on a share: about 5.6 standard deviations at p=0.5 over 20,000 picks. */
    private static final double TOLERANCE = 0.02;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ProviderFixtures fixtures = new ProviderFixtures(clock);

    @AfterEach
    void dispose() {
        fixtures.close();
    }

    private static Map<Provider, Double> shares(SelectionStrategy strategy, List<Provider> candidates, long now) {
        Map<Provider, Integer> counts = new HashMap<>();
        for (int i = 0; i < PICKS; i++) {
            counts.merge(strategy.pick(candidates, now), 1, Integer::sum);
        }
        Map<Provider, Double> shares = new HashMap<>();
        candidates.forEach(p -> shares.put(p, counts.getOrDefault(p, 0) / (double) PICKS));
        return shares;
    }

    // --- round-robin -------------------------------------------------------------------------------

    @Test
    void roundRobinRotatesEvenlyWhateverTheWeights() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "local", 80);
        Provider c = fixtures.provider("c", "local", 1);
        List<Provider> candidates = List.of(a, b, c);
        SelectionStrategy strategy = SelectionStrategy.of(StrategyType.ROUND_ROBIN);

        List<Provider> picked = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            picked.add(strategy.pick(candidates, clock.millis()));
        }
        Map<Provider, Double> shares = shares(strategy, candidates, clock.millis());

        assertThat(picked).containsExactly(a, b, c, a, b, c, a, b, c);
        assertThat(shares.values()).allSatisfy(s -> assertThat(s).isCloseTo(1 / 3.0, within(0.001)));
    }

    @Test
    void roundRobinKeepsRotatingWhenTheCandidatesShrink() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "local", 100);
        Provider c = fixtures.provider("c", "local", 100);
        SelectionStrategy strategy = SelectionStrategy.of(StrategyType.ROUND_ROBIN);
        strategy.pick(List.of(a, b, c), clock.millis());

        List<Provider> picked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picked.add(strategy.pick(List.of(a, c), clock.millis()));
        }

        assertThat(picked).containsExactly(c, a, c, a);
    }

    @Test
    void eachTierHasItsOwnRotation() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "local", 100);
        SelectionStrategy one = SelectionStrategy.of(StrategyType.ROUND_ROBIN);
        SelectionStrategy two = SelectionStrategy.of(StrategyType.ROUND_ROBIN);

        one.pick(List.of(a, b), clock.millis());

        assertThat(two.pick(List.of(a, b), clock.millis())).isSameAs(a);
        assertThat(one.pick(List.of(a, b), clock.millis())).isSameAs(b);
    }

    // --- least-connections -------------------------------------------------------------------------

    @Test
    void leastConnectionsPicksTheProviderWithFewestCallsInFlight() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "local", 50);
        Provider c = fixtures.provider("c", "local", 80);
        a.tryStartCall();
        a.tryStartCall();
        c.tryStartCall();
        SelectionStrategy strategy = SelectionStrategy.of(StrategyType.LEAST_CONNECTIONS);

        assertThat(strategy.pick(List.of(a, b, c), clock.millis())).isSameAs(b);

        b.tryStartCall();
        b.tryStartCall();
        assertThat(strategy.pick(List.of(a, b, c), clock.millis())).isSameAs(c);

        a.callEnded();
        a.callEnded();
        assertThat(strategy.pick(List.of(a, b, c), clock.millis())).isSameAs(a);
    }

    @Test
    void leastConnectionsBreaksTiesByHigherWeightThenListOrder() {
        Provider light = fixtures.provider("light", "local", 20);
        Provider heavy1 = fixtures.provider("heavy1", "local", 90);
        Provider heavy2 = fixtures.provider("heavy2", "local", 90);
        Provider busy = fixtures.provider("busy", "local", 1000);
        busy.tryStartCall();
        SelectionStrategy strategy = SelectionStrategy.of(StrategyType.LEAST_CONNECTIONS);

        assertThat(strategy.pick(List.of(light, heavy1, heavy2, busy), clock.millis())).isSameAs(heavy1);
        assertThat(strategy.pick(List.of(light, heavy2, heavy1, busy), clock.millis())).isSameAs(heavy2);
    }

    // --- priority-weighted -------------------------------------------------------------------------

    @Test
    void priorityWeightedSpreadsPicksByWeight() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "local", 80);
        Provider c = fixtures.provider("c", "local", 20);

        Map<Provider, Double> shares = shares(SelectionStrategy.of(StrategyType.PRIORITY_WEIGHTED), List.of(a, b, c),
                clock.millis());

        assertThat(shares.get(a)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(shares.get(b)).isCloseTo(0.4, within(TOLERANCE));
        assertThat(shares.get(c)).isCloseTo(0.1, within(TOLERANCE));
    }

    @Test
    void priorityWeightedGivesAProviderWithFailuresInARowLess() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "local", 80);
        Provider c = fixtures.provider("c", "local", 20);
        fail(b);
        fail(b); // 80 / 2^2 = 20

        Map<Provider, Double> shares = shares(SelectionStrategy.of(StrategyType.PRIORITY_WEIGHTED), List.of(a, b, c),
                clock.millis());

        assertThat(shares.get(a)).isCloseTo(100 / 140.0, within(TOLERANCE));
        assertThat(shares.get(b)).isCloseTo(20 / 140.0, within(TOLERANCE));
        assertThat(shares.get(c)).isCloseTo(20 / 140.0, within(TOLERANCE));
    }

    @Test
    void priorityWeightedGivesARecentlyRateLimitedProviderMuchLess() {
        Provider a = fixtures.provider("a", "cloud", 100);
        Provider b = fixtures.provider("b", "cloud", 100);
        rateLimit(b); // 100 x 0.1 = 10
        clock.advance(java.time.Duration.ofSeconds(61)); // its rest is over, the memory of it is not

        Map<Provider, Double> shares = shares(SelectionStrategy.of(StrategyType.PRIORITY_WEIGHTED), List.of(a, b),
                clock.millis());

        assertThat(shares.get(b)).isCloseTo(10 / 110.0, within(TOLERANCE));
    }

    @Test
    void priorityWeightedNeverPicksAZeroWeightProviderBesideOthers() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider standby = fixtures.provider("standby", "local", 0);

        Map<Provider, Double> shares = shares(SelectionStrategy.of(StrategyType.PRIORITY_WEIGHTED), List.of(a, standby),
                clock.millis());

        assertThat(shares.get(standby)).isZero();
    }

    @Test
    void priorityWeightedStillServesWhenEveryCandidateWeighsZero() {
        Provider a = fixtures.provider("a", "public", 0);
        Provider b = fixtures.provider("b", "public", 0);

        Map<Provider, Double> shares = shares(SelectionStrategy.of(StrategyType.PRIORITY_WEIGHTED), List.of(a, b),
                clock.millis());

        assertThat(shares.get(a)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(shares.get(b)).isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void singleCandidateIsAlwaysPickedWhateverItsScore() {
        Provider only = fixtures.provider("only", "local", 0);
        SelectionStrategy weighted = SelectionStrategy.of(StrategyType.PRIORITY_WEIGHTED);

        assertThat(weighted.pick(List.of(only), clock.millis())).isSameAs(only);
        assertThat(SelectionStrategy.of(StrategyType.ROUND_ROBIN).pick(List.of(only), clock.millis())).isSameAs(only);
        assertThat(SelectionStrategy.of(StrategyType.LEAST_CONNECTIONS).pick(List.of(only), clock.millis())).isSameAs(only);
    }

    @Test
    void strategyNamesAreTheDocumentedOnes() {
        assertThat(StrategyType.fromConfig("priority-weighted")).isEqualTo(StrategyType.PRIORITY_WEIGHTED);
        assertThat(StrategyType.fromConfig("round-robin")).isEqualTo(StrategyType.ROUND_ROBIN);
        assertThat(StrategyType.fromConfig("least-connections")).isEqualTo(StrategyType.LEAST_CONNECTIONS);
        assertThat(StrategyType.fromConfig(" Round_Robin ")).isEqualTo(StrategyType.ROUND_ROBIN);
        assertThat(StrategyType.fromConfig("random")).isNull();
        assertThat(StrategyType.names()).isEqualTo("priority-weighted, round-robin, least-connections");
    }
}
