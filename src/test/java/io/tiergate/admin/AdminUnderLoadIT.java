package io.tiergate.admin;

import static io.tiergate.testsupport.Eventually.await;
import static io.tiergate.admin.AdminRequests.bearer;
import static io.tiergate.admin.AdminRequests.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.admin.AdminRequests.Reply;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The issue's load tests: admin changes made while {@value #THREADS} client threads keep sending JSON-RPC
 * requests to real anvil nodes over loopback. Every response is recorded with the provider that answered
 * (X-Tiergate-Provider) and the moment its request was sent, so each test can split the traffic into "sent
 * before the change was asked for" and "sent after the admin call returned". Clients must never see an
 * error. Tier local: local_1 and local_2 (weight 100 each); tier cloud: cloud_1. Probes are off, so nothing
 * but requests and the admin API changes a provider's state; the clock never moves.
 */
class AdminUnderLoadIT extends GatewayTest {

    static final int THREADS = 6;
    static final String TOKEN = "load-Zx81Qm4Wv7Rt2Yp5Ls9Kd3Hf6Jg0Nb";
    static final String PROVIDERS = "/admin/networks/ethereum/providers";

    static final AnvilNode local1 = AnvilNode.start();
    static final AnvilNode local2 = AnvilNode.start();
    static final AnvilNode cloud1 = AnvilNode.start();
    static final AnvilNode extra = AnvilNode.start();

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("tiergate.admin.tokens.ops", () -> TOKEN);
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()).weight(100),
                        TestNetwork.provider("local_2", local2.url()).weight(100))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud1.url()).weight(100))
                .set("circuit-breaker.failure-threshold", "3")
                // Far longer than any test: only a reinstate can close a breaker here.
                .set("circuit-breaker.open-duration", "10m")
                .set("timeout", "3s")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        local1.close();
        local2.close();
        cloud1.close();
        extra.close();
    }

    @LocalManagementPort
    int managementPort;

    @AfterEach
    void putEverythingBack() {
        if (!local1.isAlive()) {
            local1.restart();
        }
        for (String name : List.of("local_1", "local_2")) {
            admin(HttpMethod.DELETE, PROVIDERS + "/" + name + "/weight", null);
            admin(HttpMethod.POST, PROVIDERS + "/" + name + "/reinstate", null);
        }
        if (admin(HttpMethod.GET, PROVIDERS + "/local_3", null).status() == 200) {
            admin(HttpMethod.DELETE, PROVIDERS + "/local_3", null);
        }
    }

    @Test
    void drainUnderLoadLosesNoRequestAndSendsNoneToTheDrainedProviderAfterTheCallReturned() {
        Load load = new Load(1500);
        load.awaitCount(400);

        long asked = System.nanoTime();
        Reply drain = admin(HttpMethod.POST, PROVIDERS + "/local_1/drain", null);
        long returned = System.nanoTime();
        List<Sample> samples = load.finish();

        assertThat(drain.status()).as(drain.body()).isEqualTo(200);
        assertThat(drain.json().path("adminState").asString()).isEqualTo("DRAINED");
        assertNoClientErrors(samples, 1500);
        assertThat(count(samples, s -> s.sentNanos < asked && "local_1".equals(s.provider)))
                .as("local_1 served before the drain").isGreaterThan(50);
        List<Sample> after = filter(samples, s -> s.sentNanos > returned);
        assertThat(after.size()).as("requests sent after the drain returned").isGreaterThan(500);
        assertThat(filter(after, s -> "local_1".equals(s.provider)))
                .as("requests sent after the drain returned but answered by local_1").isEmpty();
        assertThat(filter(after, s -> "local_2".equals(s.provider))).hasSameSizeAs(after);
        await("local_1's in-flight count reaches 0", () -> provider("local_1").path("inFlight").asInt() == 0,
                () -> provider("local_1").toString());
        assertThat(provider("local_1").path("adminState").asString()).isEqualTo("DRAINED");
    }

    @Test
    void reweightUnderLoadShiftsTheShareOfTrafficToTheNewWeights() {
        Load load = new Load(2000);
        load.awaitCount(500);

        long asked = System.nanoTime();
        Reply weight = admin(HttpMethod.PUT, PROVIDERS + "/local_2/weight", "{\"weight\": 25}");
        long returned = System.nanoTime();
        List<Sample> samples = load.finish();

        assertThat(weight.status()).as(weight.body()).isEqualTo(200);
        assertNoClientErrors(samples, 2000);
        List<Sample> before = filter(samples, s -> s.sentNanos < asked);
        List<Sample> after = filter(samples, s -> s.sentNanos > returned);
        assertThat(after.size()).isGreaterThan(1000);
        // 100/100 -> 100/25: about 50/50 before (few samples: wide band), 80/20 after.
        assertThat(share(before, "local_1")).as(shares(before)).isBetween(0.38, 0.62);
        assertThat(share(after, "local_1")).as(shares(after)).isBetween(0.75, 0.85);
        assertThat(share(after, "local_2")).as(shares(after)).isBetween(0.15, 0.25);
    }

    @Test
    void weightZeroUnderLoadMovesAllTrafficOffAtOnceAndDeleteBringsItBack() {
        Load load = new Load(1800);
        load.awaitCount(300);

        Reply zero = admin(HttpMethod.PUT, PROVIDERS + "/local_1/weight", "{\"weight\": 0}");
        long zeroReturned = System.nanoTime();
        load.awaitCount(load.count() + 600);
        long restoreAsked = System.nanoTime();
        Reply restore = admin(HttpMethod.DELETE, PROVIDERS + "/local_1/weight", null);
        long restoreReturned = System.nanoTime();
        List<Sample> samples = load.finish();

        assertThat(zero.status()).as(zero.body()).isEqualTo(200);
        assertThat(zero.json().path("effectiveWeight").asInt()).isZero();
        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        assertThat(restore.json().path("effectiveWeight").asInt()).isEqualTo(100);
        assertNoClientErrors(samples, 1800);
        List<Sample> whileZero = filter(samples, s -> s.sentNanos > zeroReturned && s.sentNanos < restoreAsked);
        assertThat(whileZero.size()).isGreaterThanOrEqualTo(500);
        assertThat(filter(whileZero, s -> "local_1".equals(s.provider)))
                .as("sent while local_1 weighed 0, answered by it").isEmpty();
        assertThat(filter(whileZero, s -> "local_2".equals(s.provider))).hasSameSizeAs(whileZero);
        List<Sample> restored = filter(samples, s -> s.sentNanos > restoreReturned);
        assertThat(restored.size()).isGreaterThan(300);
        assertThat(share(restored, "local_1")).as(shares(restored)).isBetween(0.35, 0.65);
    }

    @Test
    void reinstateOfAProviderWhoseCircuitWasForcedOpenServesTrafficAgainAtOnce() {
        Instant start = clock.instant();
        Load load = new Load(2400);
        load.awaitCount(300);

        // local_1 dies: its requests fail over to local_2, three failures open its breaker.
        local1.kill();
        await("local_1's circuit opens", () -> "OPEN".equals(provider("local_1").path("circuit").asString()),
                () -> provider("local_1").toString());
        // Fixed, but its breaker stays open for 10 minutes of a clock that does not move.
        local1.restart();
        long fixed = System.nanoTime();
        load.awaitCount(load.count() + 300);
        JsonNode stillOpen = provider("local_1");
        long reinstateAsked = System.nanoTime();
        Reply reinstate = admin(HttpMethod.POST, PROVIDERS + "/local_1/reinstate", null);
        long reinstated = System.nanoTime();
        load.awaitCount(load.count() + 600);
        List<Sample> samples = load.finish();

        assertThat(stillOpen.path("circuit").asString()).isEqualTo("OPEN");
        assertThat(stillOpen.path("availability").asString()).isEqualTo("circuit open");
        assertThat(reinstate.status()).as(reinstate.body()).isEqualTo(200);
        assertThat(reinstate.json().path("circuit").asString()).isEqualTo("CLOSED");
        assertThat(reinstate.json().path("adminState").asString()).isEqualTo("ACTIVE");
        assertThat(reinstate.json().path("availability").asString()).isEqualTo("usable");
        assertNoClientErrors(samples, 2400);
        List<Sample> openAndFixed = filter(samples, s -> s.sentNanos > fixed && s.sentNanos < reinstateAsked);
        assertThat(openAndFixed.size()).isGreaterThanOrEqualTo(250);
        assertThat(filter(openAndFixed, s -> "local_1".equals(s.provider))).as("served while its circuit was open")
                .isEmpty();
        List<Sample> after = filter(samples, s -> s.sentNanos > reinstated);
        assertThat(after.size()).isGreaterThan(500);
        assertThat(share(after, "local_1")).as(shares(after)).isBetween(0.35, 0.65);
        assertThat(clock.instant()).as("the clock never moved past open-duration").isEqualTo(start);
        JsonNode view = provider("local_1");
        assertThat(view.path("circuit").asString()).as(view.toString()).isEqualTo("CLOSED");
    }

    @Test
    void addThenRemoveUnderLoadWithZeroClientErrors() {
        Load load = new Load(2000);
        load.awaitCount(300);

        long addAsked = System.nanoTime();
        Reply add = admin(HttpMethod.POST, PROVIDERS,
                "{\"tier\": \"local\", \"name\": \"local_3\", \"url\": \"" + extra.url() + "\", \"weight\": 100}");
        long added = System.nanoTime();
        load.awaitCount(load.count() + 700);
        long removeAsked = System.nanoTime();
        Reply remove = admin(HttpMethod.DELETE, PROVIDERS + "/local_3", null);
        long removed = System.nanoTime();
        List<Sample> samples = load.finish();

        assertThat(add.status()).as(add.body()).isIn(200, 201);
        assertThat(remove.status()).as(remove.body()).isIn(200, 204);
        assertNoClientErrors(samples, 2000);
        assertThat(filter(samples, s -> s.answeredNanos < addAsked && "local_3".equals(s.provider))).isEmpty();
        List<Sample> present = filter(samples, s -> s.sentNanos > added && s.sentNanos < removeAsked);
        assertThat(present.size()).isGreaterThanOrEqualTo(600);
        // Three providers of weight 100: about a third each.
        assertThat(share(present, "local_3")).as(shares(present)).isBetween(0.2, 0.46);
        List<Sample> gone = filter(samples, s -> s.sentNanos > removed);
        assertThat(gone.size()).isGreaterThan(300);
        assertThat(filter(gone, s -> "local_3".equals(s.provider))).as("sent after the removal, answered by local_3")
                .isEmpty();
        assertThat(admin(HttpMethod.GET, PROVIDERS + "/local_3", null).status()).isEqualTo(404);
    }

    // --- load ---

    /** What one client request saw. */
    record Sample(long id, long sentNanos, long answeredNanos, int status, String provider, String body, String error) {
        @Override
        public String toString() {
            return "#" + id + " " + (error != null ? error : status + " from " + provider + ": " + body);
        }
    }

    /** {@value #THREADS} threads sending {@code total} requests as fast as answers come. */
    final class Load {

        private final AtomicInteger budget;
        private final AtomicInteger ids = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        Load(int total) {
            budget = new AtomicInteger(total);
            for (int t = 0; t < THREADS; t++) {
                Thread thread = new Thread(this::run, "load-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        private void run() {
            while (budget.getAndDecrement() > 0) {
                int id = ids.incrementAndGet();
                // Every request its own account: identical reads would be coalesced, and a request could then
                // share a call that started on a provider just before the admin change.
                String method = id % 2 == 0 ? "eth_getBalance" : "eth_getTransactionCount";
                String params = "[\"0x" + String.format("%040x", id) + "\",\"latest\"]";
                long sent = System.nanoTime();
                try {
                    JsonRpcClient.Response response = rpc(request(id, method, params));
                    samples.add(new Sample(id, sent, System.nanoTime(), response.status(),
                            response.header("X-Tiergate-Provider"), response.body(), null));
                } catch (RuntimeException e) {
                    samples.add(new Sample(id, sent, System.nanoTime(), -1, null, null, e.toString()));
                }
                done.incrementAndGet();
            }
        }

        int count() {
            return done.get();
        }

        /** Waits until {@code n} requests have been answered; fails if the load ends first. */
        void awaitCount(int n) {
            await(n + " requests answered (load must not run out first)", () -> {
                if (done.get() >= n) {
                    return true;
                }
                if (threads.stream().noneMatch(Thread::isAlive)) {
                    throw new AssertionError("the load ended after " + done.get() + " requests, before " + n);
                }
                return false;
            }, () -> done.get() + " answered");
        }

        List<Sample> finish() {
            for (Thread thread : threads) {
                try {
                    thread.join(Duration.ofSeconds(60).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                assertThat(thread.isAlive()).as(thread.getName() + " still running after 60 s").isFalse();
            }
            return new ArrayList<>(samples);
        }
    }

    static void assertNoClientErrors(List<Sample> samples, int expected) {
        assertThat(samples).hasSize(expected);
        List<Sample> bad = filter(samples, s -> s.status != 200 || s.body == null
                || !s.body.startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + s.id + ",\"result\":\"0x"));
        assertThat(bad).as("client errors").isEmpty();
    }

    static List<Sample> filter(List<Sample> samples, Predicate<Sample> which) {
        return samples.stream().filter(which).toList();
    }

    static long count(List<Sample> samples, Predicate<Sample> which) {
        return samples.stream().filter(which).count();
    }

    static double share(List<Sample> samples, String provider) {
        return samples.isEmpty() ? 0 : (double) count(samples, s -> provider.equals(s.provider)) / samples.size();
    }

    static String shares(List<Sample> samples) {
        Map<String, Integer> byProvider = new TreeMap<>();
        samples.forEach(s -> byProvider.merge(String.valueOf(s.provider), 1, Integer::sum));
        return samples.size() + " requests by provider: " + byProvider;
    }

    // --- admin ---

    WebTestClient management() {
        return AdminRequests.client(managementPort);
    }

    Reply admin(HttpMethod method, String path, String body) {
        return send(management(), method, path, body, bearer(TOKEN), MediaType.APPLICATION_JSON_VALUE);
    }

    JsonNode provider(String name) {
        Reply reply = admin(HttpMethod.GET, PROVIDERS + "/" + name, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }
}
