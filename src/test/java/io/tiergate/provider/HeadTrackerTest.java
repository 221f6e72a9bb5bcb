package io.tiergate.provider;

import static io.tiergate.provider.HealthState.DOWN;
import static io.tiergate.provider.HealthState.LAGGING;
import static io.tiergate.provider.HealthState.MISCONFIGURED;
import static io.tiergate.provider.HealthState.SYNCING;
import static io.tiergate.provider.HealthState.UNKNOWN;
import static io.tiergate.provider.HealthState.UP;
import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.provider.Provider;
import io.tiergate.provider.ProviderFixtures;
import io.tiergate.testsupport.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The best head of a network and each provider's lag behind it (max-lag-blocks 3). */
class HeadTrackerTest {

    private static final int MAX_LAG = 3;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ProviderFixtures fixtures = new ProviderFixtures(clock);
    private final List<Provider> providers = new ArrayList<>();
    private final HeadTracker heads = new HeadTracker(() -> providers, MAX_LAG);

    @AfterEach
    void dispose() {
        fixtures.close();
    }

    private Provider provider(String name) {
        Provider p = fixtures.provider(name, "local", 100);
        providers.add(p);
        return p;
    }

    /** A probe answered with {@code head}, as the prober reports it. */
    private void probed(Provider p, long head) {
        p.probeAnswered(head, false, true, null, 1_000_000);
        heads.refresh();
    }

    private static void down(Provider p) {
        p.breaker().transitionToOpenState();
    }

    @Test
    void nothingKnownMeansNoBestHeadAndNoLag() {
        Provider a = provider("a");
        heads.refresh();
        assertThat(heads.bestHead()).isEqualTo(-1);
        assertThat(heads.lag(a)).isEqualTo(-1);
        assertThat(heads.maxLagBlocks()).isEqualTo(MAX_LAG);
    }

    @Test
    void bestHeadIsTheHighestHeadOfUpProvidersAndLagIsMeasuredAgainstIt() {
        Provider a = provider("a");
        Provider b = provider("b");
        Provider c = provider("c");
        probed(a, 100);
        probed(b, 98);
        probed(c, 100);

        assertThat(heads.bestHead()).isEqualTo(100);
        assertThat(heads.lag(a)).isZero();
        assertThat(heads.lag(b)).isEqualTo(2);
        assertThat(b.health().state()).as("2 blocks behind, max 3").isEqualTo(UP);
    }

    @Test
    void moreThanMaxLagBlocksBehindIsLaggingAndCatchingUpIsUpAgain() {
        Provider a = provider("a");
        Provider b = provider("b");
        probed(a, 100);
        probed(b, 97);
        assertThat(b.health().state()).as("exactly 3 behind").isEqualTo(UP);

        probed(a, 101);
        assertThat(b.health().state()).isEqualTo(LAGGING);
        assertThat(heads.lag(b)).isEqualTo(4);
        assertThat(a.health().state()).isEqualTo(UP);

        probed(b, 99);
        assertThat(b.health().state()).isEqualTo(UP);
        assertThat(heads.lag(b)).isEqualTo(2);
    }

    @Test
    void anEthBlockNumberAnswerMovesTheHeadAndReRanksEveryProvider() {
        Provider a = provider("a");
        Provider b = provider("b");
        probed(a, 100);
        probed(b, 100);

        heads.observe(a, 110);
        assertThat(a.health().head()).isEqualTo(110);
        assertThat(heads.bestHead()).isEqualTo(110);
        assertThat(b.health().state()).as("no probe needed").isEqualTo(LAGGING);
        assertThat(heads.lag(b)).isEqualTo(10);

        heads.observe(b, 109);
        assertThat(b.health().state()).isEqualTo(UP);
    }

    @Test
    void unknownDownSyncingAndMisconfiguredHeadsDoNotCount() {
        Provider up = provider("up");
        Provider unknown = provider("unknown");
        Provider down = provider("down");
        Provider syncing = provider("syncing");
        Provider misconfigured = provider("misconfigured");
        down(down);
        heads.observe(down, 500); // e.g. a last-resort eth_blockNumber answer
        heads.observe(unknown, 600);
        syncing.health().probeSucceeded(700, true, true, null);
        misconfigured.health().probeSucceeded(800, false, false, "expected chain id 1, got 5");
        probed(up, 100);

        assertThat(heads.bestHead()).isEqualTo(100);
        assertThat(heads.lag(up)).isZero();
        assertThat(up.state()).isEqualTo(UP);
        assertThat(unknown.state()).isEqualTo(UNKNOWN);
        assertThat(down.state()).isEqualTo(DOWN);
        assertThat(syncing.state()).isEqualTo(SYNCING);
        assertThat(misconfigured.state()).isEqualTo(MISCONFIGURED);
    }

    @Test
    void unrankedProvidersBehindTheBestHeadKeepTheirState() {
        Provider a = provider("a");
        Provider cold = provider("cold");
        Provider down = provider("down");
        probed(down, 10);
        down(down);
        cold.health().observeHead(10);
        probed(a, 100);

        assertThat(cold.state()).isEqualTo(UNKNOWN);
        assertThat(down.state()).isEqualTo(DOWN);
    }

    @Test
    void aDownProviderThatRecoversBehindTheOthersIsLagging() {
        Provider a = provider("a");
        Provider b = provider("b");
        probed(a, 100);
        probed(b, 100);
        down(b);
        probed(a, 120);

        probed(b, 101);
        assertThat(b.health().state()).isEqualTo(LAGGING);
        assertThat(heads.lag(b)).isEqualTo(19);
    }

    /**
     * The issue: "the best head is the highest block reported by UP providers; a provider's lag is best head
     * minus its head". When the provider at the head goes DOWN, the best head is the highest of those still UP,
     * and the lag shown for them (Actuator {@code lag}, {@code serving.bestHead}) must agree with their state.
     */
    @Test
    void whenTheLeaderGoesDownTheBestHeadAndLagFollowTheProvidersStillUp() {
        Provider leader = provider("leader");
        Provider b = provider("b");
        probed(leader, 110);
        probed(b, 100);
        assertThat(b.health().state()).isEqualTo(LAGGING);

        down(leader);
        heads.refresh();

        assertThat(b.health().state()).as("b is now the best there is").isEqualTo(UP);
        assertThat(heads.bestHead()).as("best head of UP providers").isEqualTo(100);
        assertThat(heads.lag(b)).as("lag shown for an UP provider at the best head").isZero();
    }
}
