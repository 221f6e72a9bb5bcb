package io.tiergate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The headline scenario: both tier-1 nodes die (kill -9) under concurrent load, and clients never notice;
 * the cloud tier takes over, and the local tier gets the traffic back once it is up and its breakers may
 * half-open. Also a node that hangs (SIGSTOP) instead of refusing: the provider timeout moves on.
 * The tests share the nodes and the providers' state, so they run in a fixed order, each leaving every node up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalTierOutageIT extends GatewayTest {

    private static final Duration OPEN_DURATION = Duration.ofSeconds(30);
    private static final Duration PROVIDER_TIMEOUT = Duration.ofMillis(500);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final int THREADS = 8;
    private static final int TOTAL_REQUESTS = 1_500;
    private static final int KILL_AFTER_ANSWERS = 400;
    private static final int BATCH_SIZE = 5;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final AnvilNode local1 = AnvilNode.start();
    static final AnvilNode local2 = AnvilNode.start();
    static final AnvilNode cloud = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()),
                        TestNetwork.provider("local_2", local2.url()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud.url()))
                .set("timeout", PROVIDER_TIMEOUT.toMillis() + "ms")
                .set("request-timeout", REQUEST_TIMEOUT.toSeconds() + "s")
                .set("circuit-breaker.failure-threshold", "3")
                .set("circuit-breaker.open-duration", OPEN_DURATION.toSeconds() + "s")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        local1.close();
        local2.close();
        cloud.close();
    }

    /** One client request of the load and what came back. */
    record Outcome(int index, long startNanos, long endNanos, int status, String tier, String error) {
    }

    @Test
    @Order(2)
    void killingEveryLocalNodeUnderLoadCausesNoClientVisibleErrorAndTrafficReturnsAfterRestart() throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long killStarted;
        long killDone;
        bothLocalNodesServe();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < TOTAL_REQUESTS; i = next.getAndIncrement()) {
                        outcomes.add(send(i));
                        answered.incrementAndGet();
                    }
                }));
            }
            awaitAnswers(answered, KILL_AFTER_ANSWERS);
            killStarted = System.nanoTime();
            local1.kill();
            local2.kill();
            killDone = System.nanoTime();
            int sentAtKill = next.get();
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            System.out.printf("local tier outage under load: kill -9 of local_1 and local_2 after %d requests sent%n",
                    sentAtKill);
        } finally {
            pool.shutdownNow();
        }

        List<Outcome> all = new ArrayList<>(outcomes);
        Collections.sort(all, (a, b) -> Integer.compare(a.index(), b.index()));
        List<Outcome> failed = all.stream().filter(o -> o.error() != null).toList();
        Map<String, Integer> afterKillByTier = new HashMap<>();
        Map<String, Integer> beforeKillByTier = new HashMap<>();
        for (Outcome o : all) {
            if (o.tier() == null) {
                continue; // batches carry no routing headers
            }
            if (o.startNanos() > killDone) {
                afterKillByTier.merge(o.tier(), 1, Integer::sum);
            } else if (o.endNanos() < killStarted) {
                beforeKillByTier.merge(o.tier(), 1, Integer::sum);
            }
        }
        System.out.printf("sent=%d answered=%d failed=%d; single requests by tier before the kill %s, after it %s%n",
                TOTAL_REQUESTS, all.size() - failed.size(), failed.size(), beforeKillByTier, afterKillByTier);
        failed.stream().limit(5).forEach(o -> System.out.println("  failed #" + o.index() + ": " + o.error()));

        assertThat(all).hasSize(TOTAL_REQUESTS);
        assertThat(failed).as("client-visible errors").isEmpty();
        assertThat(beforeKillByTier).as("single requests answered before the kill").containsOnlyKeys("local");
        assertThat(afterKillByTier).as("single requests sent after the kill").containsOnlyKeys("cloud");
        assertThat(afterKillByTier.get("cloud")).isGreaterThan(100);

        // The local nodes come back; their breakers stay open (no call reaches them) until open-duration passes.
        local1.restart();
        local2.restart();
        for (int i = 0; i < 5; i++) {
            assertThat(rpc(request(i, "eth_blockNumber", "[]")).header("X-Tiergate-Tier")).isEqualTo("cloud");
        }
        clock.advance(OPEN_DURATION.plusSeconds(1));
        int firstLocal = -1;
        for (int i = 0; i < 3 && firstLocal < 0; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            if ("local".equals(response.header("X-Tiergate-Tier"))) {
                firstLocal = i;
            }
        }
        assertThat(firstLocal).as("traffic returns to the local tier within 3 requests").isNotNegative();
        for (int i = 0; i < 20; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Tier")).isEqualTo("local");
        }
    }

    @Test
    @Order(1)
    void pausedLocalNodeIsSkippedAfterProviderTimeoutAndEveryRequestSucceedsInTime() {
        List<Long> elapsedMillis = new ArrayList<>();
        int triedPausedNode = 0;
        local1.pause();
        try {
            for (int i = 0; i < 40; i++) {
                long start = System.nanoTime();
                JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                elapsedMillis.add(millis);

                assertThat(response.status()).as("request %d: %s", i, response.body()).isEqualTo(200);
                assertThat(response.body()).contains("\"id\":" + i).contains("\"result\":\"0x");
                assertThat(response.header("X-Tiergate-Provider")).isNotEqualTo("local_1");
                assertThat(millis).as("request %d took", i).isLessThan(REQUEST_TIMEOUT.toMillis());
                if (Integer.parseInt(response.header("X-Tiergate-Attempts")) > 1) {
                    // It went to the paused node first and waited for the provider timeout.
                    triedPausedNode++;
                    assertThat(millis).isGreaterThanOrEqualTo(PROVIDER_TIMEOUT.toMillis() - 50);
                }
            }
        } finally {
            local1.resume();
        }
        System.out.printf("paused local_1: %d of 40 requests tried it first; elapsed ms %s%n", triedPausedNode,
                elapsedMillis);
        assertThat(triedPausedNode).as("requests that met the paused node and moved on").isBetween(1, 3);
    }

    /**
     * A local node that was down for a while (several failed half-open trials) and comes back must get its trial
     * call and then its share of the traffic again, like its twin. Both nodes have equal weights.
     */
    @Test
    @Order(3)
    void bothRecoveredLocalNodesShareTheTrafficAgainOnceTheirBreakersMayHalfOpen() {
        local1.kill();
        local2.kill();
        try {
            // Five minutes of outage: the breakers open, then each half-open trial fails and reopens them.
            for (int i = 0; i < 3; i++) {
                assertServedBy(rpc(request(i, "eth_blockNumber", "[]")), "cloud");
            }
            for (int cycle = 0; cycle < 10; cycle++) {
                clock.advance(OPEN_DURATION.plusSeconds(1));
                JsonRpcClient.Response response = rpc(request(cycle, "eth_blockNumber", "[]"));
                assertServedBy(response, "cloud");
                assertThat(response.header("X-Tiergate-Attempts")).as("both local trials failed first").isEqualTo("3");
            }
        } finally {
            local1.restart();
            local2.restart();
        }
        clock.advance(OPEN_DURATION.plusSeconds(1));

        Map<String, Integer> byProvider = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertServedBy(response, "local");
            byProvider.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        System.out.println("after the outage, 20 requests: " + byProvider);
        assertThat(byProvider).as("both recovered local nodes serve (equal weights)").containsKeys("local_1", "local_2");
    }

    private void assertServedBy(JsonRpcClient.Response response, String tier) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"result\":\"0x");
        assertThat(response.header("X-Tiergate-Tier")).isEqualTo(tier);
    }

    /** Lets any open breaker half-open and sends requests until each local node has answered one. */
    private void bothLocalNodesServe() {
        clock.advance(OPEN_DURATION.plusSeconds(1));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 300 && !seen.containsAll(Set.of("local_1", "local_2")); i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            if ("local".equals(response.header("X-Tiergate-Tier"))) {
                seen.add(response.header("X-Tiergate-Provider"));
            }
        }
        assertThat(seen).as("both local nodes serve before the load starts").contains("local_1", "local_2");
    }

    private Outcome send(int i) {
        long start = System.nanoTime();
        String body;
        List<String> ids = new ArrayList<>();
        switch (i % 3) {
            case 0 -> {
                body = request(i, "eth_blockNumber", "[]");
                ids.add(Integer.toString(i));
            }
            case 1 -> {
                body = request(i, "eth_chainId", "[]");
                ids.add(Integer.toString(i));
            }
            default -> {
                StringBuilder batch = new StringBuilder("[");
                for (int k = 0; k < BATCH_SIZE; k++) {
                    String id = "b" + i + "-" + k;
                    ids.add("\"" + id + "\"");
                    batch.append(k == 0 ? "" : ",").append(request(id, k % 2 == 0 ? "eth_blockNumber" : "eth_chainId", "[]"));
                }
                body = batch.append(']').toString();
            }
        }
        try {
            JsonRpcClient.Response response = rpc(body);
            long end = System.nanoTime();
            String error = check(response, ids);
            return new Outcome(i, start, end, response.status(), response.header("X-Tiergate-Tier"), error);
        } catch (RuntimeException e) {
            return new Outcome(i, start, System.nanoTime(), -1, null, e.toString());
        }
    }

    /** null when the response is HTTP 200 with a result for every id sent, else what is wrong. */
    private static String check(JsonRpcClient.Response response, List<String> ids) {
        if (response.status() != 200) {
            return "HTTP " + response.status() + ": " + response.body();
        }
        JsonNode root = JSON.readTree(response.body());
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        List<String> answeredIds = new ArrayList<>();
        for (JsonNode item : items) {
            if (!item.has("result") || item.has("error")) {
                return "no result: " + item;
            }
            answeredIds.add(item.get("id").toString());
        }
        return answeredIds.equals(ids) ? null : "ids " + answeredIds + " for " + ids;
    }

    private static void awaitAnswers(AtomicInteger answered, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answered.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + answered.get() + " answers within 30 s");
            }
            Thread.sleep(5); // polling a condition, not waiting for time to pass
        }
    }
}
