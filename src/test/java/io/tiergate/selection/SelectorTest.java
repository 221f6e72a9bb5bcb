package io.tiergate.selection;

import static io.tiergate.provider.ProviderFixtures.fail;
import static io.tiergate.provider.ProviderFixtures.rateLimit;
import static io.tiergate.provider.ProviderFixtures.tier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.tiergate.policy.MethodLists;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.ProviderFixtures;
import io.tiergate.provider.Quota;
import io.tiergate.provider.StrategyType;
import io.tiergate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SelectorTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ProviderFixtures fixtures = new ProviderFixtures(clock);
    private final Selector selector = new Selector(clock);

    @AfterEach
    void dispose() {
        fixtures.close();
    }

    /** Selection state of one client request, kept the way the router keeps it. */
    private static final class Request implements SelectionContext {
        final Set<Provider> excluded = new HashSet<>();
        final Map<Provider, Availability> skipped = new LinkedHashMap<>();
        final List<Availability> reports = new ArrayList<>();
        boolean lastResortUsed;
        long requiredBlock = -1;
        String method = "eth_call";

        @Override
        public long requiredBlock() {
            return requiredBlock;
        }

        @Override
        public boolean excluded(Provider provider) {
            return excluded.contains(provider);
        }

        @Override
        public void skipped(Provider provider, Availability why) {
            skipped.put(provider, why);
            reports.add(why);
        }

        @Override
        public boolean lastResortAvailable() {
            return !lastResortUsed;
        }

        @Override
        public boolean serves(Provider provider) {
            return provider.methods().serves(method);
        }

        /** Selects and marks the choice as tried, as the router does. */
        Choice next(Selector selector, Network network) {
            Choice choice = selector.select(network, this);
            if (choice != null) {
                excluded.add(choice.provider());
                lastResortUsed |= choice.lastResort();
            }
            return choice;
        }
    }

    private static void openBreaker(Provider p) {
        for (int i = 0; i < 3; i++) {
            fail(p);
        }
        assertThat(p.availability()).isEqualTo(Availability.CIRCUIT_OPEN);
    }

    private static Quota.Spec quota(long requests) {
        return new Quota.Spec(requests, Duration.ofHours(1));
    }

    private static void spend(Provider p) {
        while (p.quota().tryConsume(1)) {
            // spend it all
        }
        assertThat(p.availability()).isEqualTo(Availability.QUOTA_EXHAUSTED);
    }

    @Test
    void firstTierWithAUsableProviderServesAlways() {
        Provider local1 = fixtures.provider("local_1", "local", 1);
        Provider local2 = fixtures.provider("local_2", "local", 1);
        Provider cloud = fixtures.provider("cloud_1", "cloud", 1000);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED,
                tier("local", local1, local2), tier("cloud", cloud));

        Set<Provider> chosen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            Choice choice = selector.select(network, new Request());
            assertThat(choice.lastResort()).isFalse();
            chosen.add(choice.provider());
        }

        assertThat(chosen).containsExactlyInAnyOrder(local1, local2);
    }

    @Test
    void failsOverWithinTheTierBeforeGoingDownTiersInListOrder() {
        Provider local1 = fixtures.provider("local_1", "local", 100);
        Provider local2 = fixtures.provider("local_2", "local", 100);
        Provider cloud = fixtures.provider("cloud_1", "cloud", 100);
        Provider pub = fixtures.provider("public_1", "public", 100);
        Network network = fixtures.network(StrategyType.ROUND_ROBIN,
                tier("local", local1, local2), tier("cloud", cloud), tier("public", pub));
        Request request = new Request();

        List<Provider> order = new ArrayList<>();
        Choice choice;
        while ((choice = request.next(selector, network)) != null && !choice.lastResort()) {
            order.add(choice.provider());
        }

        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder(local1, local2);
        assertThat(order.subList(2, 4)).containsExactly(cloud, pub);
        assertThat(request.skipped).isEmpty();
    }

    @Test
    void unusableProvidersAreSkippedAndReportedWithTheirReason() {
        Provider open = fixtures.provider("open", "local", 100);
        Provider resting = fixtures.provider("resting", "local", 100);
        Provider spent = fixtures.provider("spent", "local", 100, quota(5));
        Provider cloud = fixtures.provider("cloud_1", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED,
                tier("local", open, resting, spent), tier("cloud", cloud));
        openBreaker(open);
        rateLimit(resting);
        spend(spent);
        Request request = new Request();

        Choice choice = request.next(selector, network);

        assertThat(choice.provider()).isSameAs(cloud);
        assertThat(choice.lastResort()).isFalse();
        assertThat(request.skipped).containsExactly(
                entry(open, Availability.CIRCUIT_OPEN),
                entry(resting, Availability.RATE_LIMITED),
                entry(spent, Availability.QUOTA_EXHAUSTED));
    }

    @Test
    void unusableProviderIsSkippedInFavourOfItsTierMate() {
        Provider open = fixtures.provider("open", "local", 1000);
        Provider healthy = fixtures.provider("healthy", "local", 1);
        Provider cloud = fixtures.provider("cloud_1", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED,
                tier("local", open, healthy), tier("cloud", cloud));
        openBreaker(open);

        for (int i = 0; i < 200; i++) {
            Request request = new Request();
            assertThat(request.next(selector, network).provider()).isSameAs(healthy);
            assertThat(request.skipped).containsOnlyKeys(open);
        }
    }

    @Test
    void alreadyTriedProvidersAreNeitherChosenNorReported() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", a), tier("cloud", b));
        Request request = new Request();
        request.excluded.add(a);

        assertThat(request.next(selector, network).provider()).isSameAs(b);
        assertThat(request.skipped).isEmpty();
    }

    @Test
    void providerComesBackWhenItsRestIsOver() {
        Provider local = fixtures.provider("local_1", "local", 100);
        Provider cloud = fixtures.provider("cloud_1", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", local), tier("cloud", cloud));
        rateLimit(local); // 60 s

        assertThat(selector.select(network, new Request()).provider()).isSameAs(cloud);
        clock.advance(Duration.ofSeconds(60));
        assertThat(selector.select(network, new Request()).provider()).isSameAs(local);
    }

    @Test
    void eachTierSpreadsLoadWithItsOwnStrategy() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "local", 1);
        Network network = fixtures.network(StrategyType.ROUND_ROBIN, tier("local", a, b));

        List<Provider> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(selector.select(network, new Request()).provider());
        }

        assertThat(picked).containsExactly(a, b, a, b, a, b);
    }

    @Test
    void halfOpenProviderGetsItsTrialCallBeforeItsTierMates() {
        Provider recovering = fixtures.provider("recovering", "local", 1);
        Provider healthy = fixtures.provider("healthy", "local", 1000);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", healthy, recovering));
        openBreaker(recovering);
        assertThat(selector.select(network, new Request()).provider()).isSameAs(healthy);

        clock.advance(Duration.ofSeconds(61)); // open-duration 60 s

        Request request = new Request();
        Choice choice = request.next(selector, network);
        assertThat(choice.provider()).isSameAs(recovering);
        assertThat(choice.lastResort()).isFalse();
        assertThat(request.skipped).isEmpty();
        // Its trial taken, the next request is served by the tier mate.
        assertThat(recovering.tryAcquirePermission()).isTrue();
        Request next = new Request();
        Choice again = next.next(selector, network);
        if (again.provider() == recovering) {
            assertThat(recovering.tryAcquirePermission()).as("no second trial").isFalse();
            again = next.next(selector, network);
        }
        assertThat(again.provider()).isSameAs(healthy);
    }

    @Test
    void halfOpenProviderInALowerTierDoesNotJumpTierOrder() {
        Provider local = fixtures.provider("local_1", "local", 100);
        Provider cloud = fixtures.provider("cloud_1", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", local), tier("cloud", cloud));
        openBreaker(cloud);
        clock.advance(Duration.ofSeconds(61));
        cloud.availability(); // now half-open

        assertThat(selector.select(network, new Request()).provider()).isSameAs(local);
    }

    // --- last resort -------------------------------------------------------------------------------

    @Test
    void whenNothingIsUsableTheLeastRecentlyFailedProviderIsTriedAsLastResort() {
        Provider local = fixtures.provider("local_1", "local", 100);
        Provider cloud = fixtures.provider("cloud_1", "cloud", 100);
        Provider pub = fixtures.provider("public_1", "public", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED,
                tier("local", local), tier("cloud", cloud), tier("public", pub));
        openBreaker(local);
        clock.advance(Duration.ofSeconds(5));
        rateLimit(pub);
        clock.advance(Duration.ofSeconds(5));
        openBreaker(cloud);
        clock.advance(Duration.ofSeconds(5));
        Request request = new Request();

        Choice choice = request.next(selector, network);

        assertThat(choice.lastResort()).isTrue();
        assertThat(choice.provider()).isSameAs(local);
        assertThat(request.skipped).containsOnlyKeys(local, cloud, pub);
    }

    @Test
    void lastResortIsTriedOnlyOncePerRequest() {
        Provider local = fixtures.provider("local_1", "local", 100);
        Provider cloud = fixtures.provider("cloud_1", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", local), tier("cloud", cloud));
        openBreaker(local);
        openBreaker(cloud);
        Request request = new Request();

        Choice first = request.next(selector, network);
        Choice second = request.next(selector, network);

        assertThat(first.lastResort()).isTrue();
        assertThat(second).isNull();
        // A new request gets its own last resort.
        assertThat(new Request().next(selector, network).lastResort()).isTrue();
    }

    @Test
    void lastResortNeverPicksAProviderWhoseQuotaIsSpent() {
        Provider spent = fixtures.provider("spent", "local", 100, quota(3));
        Provider open = fixtures.provider("open", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", spent), tier("cloud", open));
        spend(spent); // never failed: it would otherwise be the least recently failed
        openBreaker(open);

        Choice choice = new Request().next(selector, network);

        assertThat(choice.lastResort()).isTrue();
        assertThat(choice.provider()).isSameAs(open);
    }

    @Test
    void nothingIsChosenWhenEveryQuotaIsSpent() {
        Provider a = fixtures.provider("a", "local", 100, quota(1));
        Provider b = fixtures.provider("b", "cloud", 100, quota(1));
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", a), tier("cloud", b));
        spend(a);
        spend(b);
        Request request = new Request();

        assertThat(request.next(selector, network)).isNull();
        assertThat(request.skipped).containsExactly(
                entry(a, Availability.QUOTA_EXHAUSTED), entry(b, Availability.QUOTA_EXHAUSTED));
    }

    @Test
    void lastResortSkipsProvidersAlreadyTriedInTheRequest() {
        Provider local = fixtures.provider("local_1", "local", 100);
        Provider cloud = fixtures.provider("cloud_1", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", local), tier("cloud", cloud));
        Request request = new Request();
        assertThat(request.next(selector, network).provider()).isSameAs(local);
        // The call failed and tripped the breaker; the cloud provider rests.
        openBreaker(local);
        rateLimit(cloud);

        Choice choice = request.next(selector, network);

        assertThat(choice.lastResort()).isTrue();
        assertThat(choice.provider()).isSameAs(cloud);
        assertThat(request.next(selector, network)).isNull();
    }

    @Test
    void nothingIsChosenWhenEveryProviderWasTried() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "cloud", 100);
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", a), tier("cloud", b));
        Request request = new Request();

        assertThat(request.next(selector, network).provider()).isSameAs(a);
        assertThat(request.next(selector, network).provider()).isSameAs(b);
        assertThat(request.next(selector, network)).isNull();
    }

    // --- method routing ---------------------------------------------------------------------------

    private Provider withMethods(String name, String tier, List<String> allow, List<String> deny) {
        return fixtures.provider(name, tier, 100, null, new MethodLists(allow, deny));
    }

    @Test
    void aMethodGoesOnlyToProvidersThatServeItWhateverTheirTier() {
        Provider geth = withMethods("geth_local", "local", List.of(), List.of("trace_*"));
        Provider cloud = withMethods("cloud_1", "cloud", List.of(), List.of("trace_*", "debug_*"));
        Provider erigon = withMethods("erigon_public", "public", List.of("trace_*", "eth_*"), List.of());
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", geth), tier("cloud", cloud),
                tier("public", erigon));
        Request trace = new Request();
        trace.method = "trace_block";

        assertThat(trace.next(selector, network).provider()).isSameAs(erigon);
        assertThat(trace.next(selector, network)).as("no other provider serves trace_block").isNull();
        assertThat(trace.skipped).as("not a health skip").isEmpty();

        Request call = new Request();
        assertThat(call.next(selector, network).provider()).isSameAs(geth);
    }

    @Test
    void aProviderThatAnsweredMethodNotFoundIsSkippedForThatMethodUntilTheTtlPasses() {
        Provider a = fixtures.provider("a", "local", 100);
        Provider b = fixtures.provider("b", "local", 100);
        Network network = fixtures.network(StrategyType.ROUND_ROBIN, tier("local", a, b));
        a.methods().methodNotFound("eth_call");

        for (int i = 0; i < 10; i++) {
            assertThat(new Request().next(selector, network).provider()).isSameAs(b);
        }
        clock.advance(Duration.ofMinutes(11));
        Set<Provider> chosen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            chosen.add(new Request().next(selector, network).provider());
        }
        assertThat(chosen).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void noLastResortToAProviderThatDoesNotServeTheMethod() {
        Provider geth = withMethods("geth_local", "local", List.of(), List.of("trace_*"));
        Provider erigon = withMethods("erigon_local", "local", List.of(), List.of());
        Network network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, tier("local", geth, erigon));
        openBreaker(erigon);
        Request trace = new Request();
        trace.method = "trace_block";

        Choice choice = trace.next(selector, network);

        assertThat(choice.lastResort()).isTrue();
        assertThat(choice.provider()).isSameAs(erigon);
        assertThat(trace.next(selector, network)).isNull();
    }
}
