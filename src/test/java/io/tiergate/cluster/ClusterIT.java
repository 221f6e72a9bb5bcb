package io.tiergate.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.tiergate.testsupport.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayInstance;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.RedisNode;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Three replicas with {@code tiergate.cluster.store=redis} against one real Redis, in front of the same anvil
 * nodes: they behave as one gateway for every admin action, spend a quota together, rest a provider together,
 * and keep serving when Redis goes away. Tests run in order: the quota and Redis's outage change shared state
 * for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String TOKEN = "cluster-test-token";
    private static final String NETWORK = "/admin/networks/ethereum/providers/";
    private static final List<String> PROVIDERS = List.of("local_1", "local_2", "cloud_1", "public_1");
    private static final int QUOTA = 300;
    private static final Duration CONVERGENCE = Duration.ofSeconds(1);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicLong IDS = new AtomicLong();

    static final WireMockServer cloud = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static AnvilNode local1;
    static AnvilNode local2;
    static AnvilNode shared;
    static RedisNode redis;
    static GatewayInstance a;
    static GatewayInstance b;
    static GatewayInstance c;

    @BeforeAll
    static void fleet() {
        local1 = AnvilNode.start();
        local2 = AnvilNode.start();
        shared = AnvilNode.start();
        cloud.start();
        proxyCloudToNode();
        redis = RedisNode.start();
        Map<String, String> config = new LinkedHashMap<>(TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local1.url()), TestNetwork.provider("local_2", local2.url()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud.baseUrl())
                        .set("rate-limit.requests", Integer.toString(QUOTA)).set("rate-limit.period", "1h"))
                .tier("public", TestNetwork.provider("public_1", shared.url()))
                .set("coalescing.enabled", "false")
                .set("cache.enabled", "false")
                .properties());
        config.put("tiergate.admin.tokens.ops", TOKEN);
        config.put("tiergate.cluster.store", "redis");
        config.put("tiergate.cluster.redis.url", redis.url());
        config.put("tiergate.cluster.name", "cluster-it");
        config.put("tiergate.cluster.sync", "200ms");
        a = GatewayInstance.start(config, TOKEN);
        b = GatewayInstance.start(config, TOKEN);
        c = GatewayInstance.start(config, TOKEN);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, c, redis, local1, local2, shared}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        cloud.stop();
    }

    /** Every test starts from configured weights, nothing drained or resting, on every replica. */
    @BeforeEach
    void configuredState() {
        proxyCloudToNode();
        for (String provider : PROVIDERS) {
            assertThat(a.manage("POST", NETWORK + provider + "/reinstate", null).status()).isEqualTo(200);
            assertThat(a.manage("DELETE", NETWORK + provider + "/weight", null).status()).isEqualTo(200);
        }
        for (GatewayInstance replica : List.of(a, b, c)) {
            for (String provider : PROVIDERS) {
                await(provider + " active with its configured weight", () -> {
                    JsonNode view = view(replica, provider);
                    return view.path("adminState").asString().equals("ACTIVE")
                            && view.path("effectiveWeight").asInt() == view.path("configuredWeight").asInt()
                            && view.path("rateLimitedUntil").isNull();
                }, () -> view(replica, provider).toString());
            }
        }
    }

    @Test
    @Order(1)
    void reweightThroughOneReplicaIsFollowedByEveryReplicaWithinOneSecond() {
        assertThat(servedBy(b, 40)).containsKeys("local_1", "local_2");

        long start = System.nanoTime();
        assertThat(a.manage("PUT", NETWORK + "local_2/weight", "{\"weight\":0}").status()).isEqualTo(200);
        for (GatewayInstance replica : List.of(b, c)) {
            await("the new weight on every replica", () -> view(replica, "local_2").path("effectiveWeight").asInt() == 0,
                    () -> view(replica, "local_2").toString(), CONVERGENCE);
        }
        long convergedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        for (GatewayInstance replica : List.of(a, b, c)) {
            assertThat(servedBy(replica, 30)).containsOnlyKeys("local_1");
        }
        System.out.printf("cluster: reweight converged on 3 replicas in %d ms%n", convergedMillis);
    }

    @Test
    @Order(2)
    void drainThroughAnotherReplicaStopsTrafficEverywhereAndHoldsAcrossARestart() {
        assertThat(b.manage("POST", NETWORK + "local_1/drain", null).status()).isEqualTo(200);
        for (GatewayInstance replica : List.of(a, c)) {
            await("the drain on every replica", () -> view(replica, "local_1").path("adminState").asString()
                    .equals("DRAINED"), () -> view(replica, "local_1").toString(), CONVERGENCE);
        }
        for (GatewayInstance replica : List.of(a, b, c)) {
            assertThat(servedBy(replica, 30)).containsOnlyKeys("local_2");
        }

        c.restart();

        // The restarted replica loaded the drain before it served its first request.
        assertThat(view(c, "local_1").path("adminState").asString()).isEqualTo("DRAINED");
        assertThat(servedBy(c, 30)).containsOnlyKeys("local_2");
    }

    @Test
    @Order(3)
    void concurrentChangesThroughDifferentReplicasEndTheSameOnEveryReplica() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> changes = new ArrayList<>();
            List<GatewayInstance> replicas = List.of(a, b, c);
            for (int i = 0; i < 60; i++) {
                GatewayInstance replica = replicas.get(i % 3);
                int weight = 10 + i;
                changes.add(pool.submit(() -> replica.manage("PUT", NETWORK + "local_1/weight",
                        "{\"weight\":" + weight + "}").status()));
            }
            for (Future<Integer> change : changes) {
                assertThat(change.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        await("every replica on the same last write", () -> {
            int weightA = view(a, "local_1").path("effectiveWeight").asInt();
            return weightA == view(b, "local_1").path("effectiveWeight").asInt()
                    && weightA == view(c, "local_1").path("effectiveWeight").asInt();
        }, () -> "weights " + view(a, "local_1").path("effectiveWeight") + " " + view(b, "local_1")
                .path("effectiveWeight") + " " + view(c, "local_1").path("effectiveWeight"), CONVERGENCE);
        // The survivor is the change written last: the one stored in Redis. Every change is in the shared trail.
        try (RedisClient client = RedisClient.create(redis.url());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            JsonNode stored = JSON.readTree(connection.sync().hget("tiergate:cluster-it:overrides", "ethereum/local_1"));
            assertThat(view(a, "local_1").path("effectiveWeight").asInt()).isEqualTo(stored.path("weight").asInt());
        }
        long weightChanges = audit(c, 100).stream().filter(entry -> entry.path("action").asString().equals("weight")
                && entry.path("provider").asString().equals("local_1")).count();
        assertThat(weightChanges).isEqualTo(60);
    }

    @Test
    @Order(4)
    void auditTrailListsChangesMadeThroughEveryReplica() {
        assertThat(a.manage("PUT", NETWORK + "public_1/weight", "{\"weight\":7}").status()).isEqualTo(200);
        assertThat(b.manage("PUT", NETWORK + "public_1/weight", "{\"weight\":8}").status()).isEqualTo(200);
        assertThat(c.manage("PUT", NETWORK + "public_1/weight", "{\"weight\":9}").status()).isEqualTo(200);

        List<String> replicas = new ArrayList<>();
        List<String> afters = new ArrayList<>();
        for (JsonNode entry : audit(a, 3)) {
            replicas.add(entry.path("replica").asString());
            afters.add(entry.path("after").asString());
        }
        assertThat(afters).containsExactly("9", "8", "7");
        assertThat(replicas).doesNotHaveDuplicates().doesNotContain("", "null");
    }

    @Test
    @Order(5)
    void aProviderAddedThroughOneReplicaServesOnEveryReplicaAndARemovalThroughAnotherTakesItOffAll() {
        String added = """
                {"tier":"local","name":"local_3","url":"%s","weight":100,"timeout":"2s",
                 "headers":{"X-Team":"mev"},"rate-limit":{"requests":1000,"period":"1h"},
                 "methods":{"deny":["trace_*"]}}""".formatted(shared.url());
        JsonRpcClient.Response response = a.manage("POST", "/admin/networks/ethereum/providers", added);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(a.manage("PUT", NETWORK + "local_1/weight", "{\"weight\":0}").status()).isEqualTo(200);
        assertThat(a.manage("PUT", NETWORK + "local_2/weight", "{\"weight\":0}").status()).isEqualTo(200);
        for (GatewayInstance replica : List.of(b, c)) {
            await("the added provider on every replica", () -> replica.manage("GET", NETWORK + "local_3", null)
                    .status() == 200 && view(replica, "local_2").path("effectiveWeight").asInt() == 0,
                    () -> replica.manage("GET", NETWORK + "local_3", null).body(), CONVERGENCE);
            JsonNode view = view(replica, "local_3");
            assertThat(view.path("tier").asString()).isEqualTo("local");
            assertThat(view.path("quotaLeft").isNull()).as("its quota came along").isFalse();
            assertThat(servedBy(replica, 10)).containsOnlyKeys("local_3");
        }

        JsonRpcClient.Response removal = b.manage("DELETE", NETWORK + "local_3", null);
        assertThat(removal.status()).as(removal.body()).isEqualTo(200);
        for (GatewayInstance replica : List.of(a, c)) {
            await("the removal on every replica", () -> replica.manage("GET", NETWORK + "local_3", null).status() == 404,
                    () -> replica.manage("GET", NETWORK + "local_3", null).body(), CONVERGENCE);
            assertThat(servedBy(replica, 10)).doesNotContainKey("local_3");
        }
    }

    @Test
    @Order(6)
    void rateLimitSeenByOneReplicaRestsTheProviderOnEveryReplica() {
        drainLocalTier();
        cloud.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(429)
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32005,\"message\":\"rate limit exceeded\"}}")));

        JsonRpcClient.Response first = a.rpc(read());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-Tiergate-Provider")).isEqualTo("public_1");
        long limitedCalls = cloudCalls();

        for (GatewayInstance replica : List.of(b, c)) {
            await("cloud_1 resting on every replica", () -> !view(replica, "cloud_1").path("rateLimitedUntil").isNull(),
                    () -> view(replica, "cloud_1").toString(), CONVERGENCE);
            assertThat(servedBy(replica, 20)).containsOnlyKeys("public_1");
        }
        assertThat(cloudCalls()).as("calls that reached the rate-limited provider").isEqualTo(limitedCalls);
    }

    @Test
    @Order(7)
    void aQuotaIsSpentByTheFleetTogether() throws Exception {
        drainLocalTier();
        for (GatewayInstance replica : List.of(a, b, c)) {
            // views and metrics show the fleet's budget, not the batch a replica holds
            await("the fleet's budget in every replica's view", () -> view(replica, "cloud_1").path("quotaLeft")
                    .asLong() > QUOTA / 2, () -> view(replica, "cloud_1").toString());
        }
        AtomicInteger failed = new AtomicInteger();
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> load = new ArrayList<>();
            for (GatewayInstance replica : List.of(a, b, c)) {
                for (int t = 0; t < 2; t++) {
                    load.add(pool.submit(() -> {
                        for (int i = 0; i < 100; i++) {
                            JsonRpcClient.Response response = replica.rpc(read());
                            if (response.status() != 200 || response.body().contains("\"error\"")) {
                                failed.incrementAndGet();
                            } else {
                                served.computeIfAbsent(response.header("X-Tiergate-Provider"),
                                        k -> new AtomicInteger()).incrementAndGet();
                            }
                        }
                    }));
                }
            }
            for (Future<?> f : load) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long reachedCloud = cloud.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build()).getCount();
        System.out.printf("cluster: quota %d shared by 3 replicas, 600 requests: %d reached the provider, served %s%n",
                QUOTA, reachedCloud, served);
        assertThat(failed.get()).isZero();
        assertThat(reachedCloud).as("calls that reached the provider over the whole run").isLessThanOrEqualTo(QUOTA);
        assertThat(served.get("cloud_1").get()).as("the budget was used, by the fleet").isGreaterThan(QUOTA / 2);
        for (GatewayInstance replica : List.of(a, b, c)) {
            await("a spent budget in every replica's view", () -> view(replica, "cloud_1").path("quotaLeft").asLong()
                    <= 10, () -> view(replica, "cloud_1").toString());
        }
    }

    @Test
    @Order(8)
    void redisGoingAwayMidLoadFailsNoRequestAndTheFleetConvergesWhenItReturns() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> load = new ArrayList<>();
        for (GatewayInstance replica : List.of(a, b, c)) {
            load.add(pool.submit(() -> {
                while (running.get()) {
                    JsonRpcClient.Response response = replica.rpc(read());
                    sent.incrementAndGet();
                    if (response.status() != 200 || response.body().contains("\"error\"")) {
                        failures.add(response.status() + " " + response.body());
                    }
                }
            }));
        }
        try {
            redis.stop();
            for (GatewayInstance replica : List.of(a, b, c)) {
                await("cluster health DEGRADED", () -> health(replica, "cluster").path("status").asString()
                        .equals("DEGRADED"), () -> health(replica, "cluster").toString());
                assertThat(replica.manage("GET", "/actuator/health/readiness", null).status()).isEqualTo(200);
            }
            // An operator's change while Redis is gone is applied where it was made...
            assertThat(a.manage("POST", NETWORK + "local_2/drain", null).status()).isEqualTo(200);
            assertThat(view(a, "local_2").path("adminState").asString()).isEqualTo("DRAINED");

            redis.restart();
            for (GatewayInstance replica : List.of(a, b, c)) {
                await("cluster health UP again", () -> health(replica, "cluster").path("status").asString()
                        .equals("UP"), () -> health(replica, "cluster").toString());
            }
            // ...and written back to the (empty) store when it returns, so every replica follows it.
            for (GatewayInstance replica : List.of(b, c)) {
                await("the drain made during the outage on every replica", () -> view(replica, "local_2")
                        .path("adminState").asString().equals("DRAINED"), () -> view(replica, "local_2").toString());
            }
            assertThat(b.manage("PUT", NETWORK + "local_1/weight", "{\"weight\":42}").status()).isEqualTo(200);
            for (GatewayInstance replica : List.of(a, c)) {
                await("a change after the outage on every replica", () -> view(replica, "local_1")
                        .path("effectiveWeight").asInt() == 42, () -> view(replica, "local_1").toString(), CONVERGENCE);
            }
        } finally {
            running.set(false);
            for (Future<?> f : load) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
        System.out.printf("cluster: %d requests during the Redis outage and return, %d failed%n", sent.get(),
                failures.size());
        assertThat(sent.get()).isGreaterThan(0);
        assertThat(failures).as("client errors while Redis was away").isEmpty();
    }

    /**
     * Every replica hears its own changes back on the Redis channel, and may apply one from there while the
     * admin request that made it is still running: the request must still find its change applied when it
     * answers (an add once answered 500, its provider not yet there).
     */
    @Test
    @Order(9)
    void aChangeIsAppliedOnTheReplicaThatMadeItWhenItsAnswerComes() {
        for (int round = 1; round <= 15; round++) {
            String added = """
                    {"tier":"public","name":"added_%d","url":"%s","weight":1}""".formatted(round, shared.url());
            JsonRpcClient.Response add = b.manage("POST", "/admin/networks/ethereum/providers", added);
            assertThat(add.status()).as("add, round " + round + ": " + add.body()).isEqualTo(200);
            assertThat(b.manage("GET", NETWORK + "added_" + round, null).status()).isEqualTo(200);

            JsonRpcClient.Response weight = b.manage("PUT", NETWORK + "added_" + round + "/weight", "{\"weight\":3}");
            assertThat(weight.status()).as(weight.body()).isEqualTo(200);
            assertThat(view(b, "added_" + round).path("effectiveWeight").asInt()).isEqualTo(3);

            JsonRpcClient.Response removal = b.manage("DELETE", NETWORK + "added_" + round, null);
            assertThat(removal.status()).as(removal.body()).isEqualTo(200);
            assertThat(b.manage("GET", NETWORK + "added_" + round, null).status()).isEqualTo(404);
        }
    }

    private void drainLocalTier() {
        assertThat(a.manage("POST", NETWORK + "local_1/drain", null).status()).isEqualTo(200);
        assertThat(a.manage("POST", NETWORK + "local_2/drain", null).status()).isEqualTo(200);
        for (GatewayInstance replica : List.of(a, b, c)) {
            for (String provider : List.of("local_1", "local_2")) {
                await("local tier drained", () -> view(replica, provider).path("adminState").asString()
                        .equals("DRAINED"), () -> view(replica, provider).toString());
            }
        }
    }

    private static void proxyCloudToNode() {
        cloud.resetMappings();
        cloud.stubFor(post(urlEqualTo("/")).willReturn(aResponse().proxiedFrom(shared.url())));
    }

    private static long cloudCalls() {
        return cloud.countRequestsMatching(postRequestedFor(urlEqualTo("/")).build()).getCount();
    }

    /** A read no other request shares (no coalescing or caching could answer it). */
    private static String read() {
        String address = String.format("0x%040x", IDS.incrementAndGet());
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"" + address + "\",\"latest\"]}";
    }

    private static Map<String, Integer> servedBy(GatewayInstance replica, int requests) {
        Map<String, Integer> served = new LinkedHashMap<>();
        for (int i = 0; i < requests; i++) {
            JsonRpcClient.Response response = replica.rpc(read());
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            served.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        return served;
    }

    private static JsonNode view(GatewayInstance replica, String provider) {
        JsonRpcClient.Response response = replica.manage("GET", NETWORK + provider, null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<JsonNode> audit(GatewayInstance replica, int limit) {
        JsonRpcClient.Response response = replica.manage("GET", "/admin/audit?limit=" + limit, null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        JSON.readTree(response.body()).forEach(entries::add);
        return entries;
    }

    private static JsonNode health(GatewayInstance replica, String component) {
        return JSON.readTree(replica.manage("GET", "/actuator/health/" + component, null).body());
    }
}
