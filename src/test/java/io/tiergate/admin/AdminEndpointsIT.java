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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * What each admin endpoint does to the running gateway, against real anvil nodes, through the HTTP admin API
 * on the management port: the views (networks, providers, status, audit), drain, weight, reinstate, add and
 * remove, with their error paths. Three networks: {@code ethereum} (local: local_1, local_2; cloud: cloud_1 whose
 * URL carries an API key), {@code testnet} with a single provider, and {@code pair} with two (for removals that
 * would leave it empty). Probes run, so health fields are real.
 * Every test puts back what it changed; the auth plumbing is {@link AdminApiSecurityIT}'s.
 */
class AdminEndpointsIT extends GatewayTest {

    static final String OPS_TOKEN = "ops-9fK2mQ7xL4pN8rT1wY6zB3cD5vG0hJ2s";
    static final String DEPLOY_TOKEN = "deploy-P3jK8mW2qR4tV7xZ9aC1eF3gI6kL0nO";
    static final String API_KEY = "cloudSecretKey4711abc";
    static final String NETWORK = "ethereum";
    static final String TESTNET = "testnet";
    static final String PAIR = "pair";
    static final String PROVIDERS = "/admin/networks/" + NETWORK + "/providers";

    static final AnvilNode local1 = AnvilNode.start();
    static final AnvilNode local2 = AnvilNode.start();
    static final AnvilNode cloud1 = AnvilNode.start();
    static final AnvilNode pairNode = AnvilNode.start();

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        registry.add("tiergate.admin.tokens.ops", () -> OPS_TOKEN);
        registry.add("tiergate.admin.tokens.deploy", () -> DEPLOY_TOKEN);
        // As an operator who scrapes metrics would: the admin API counts its changes there.
        registry.add("management.endpoints.web.exposure.include", () -> "health,metrics");
        // These tests hold eth_chainId calls in flight on frozen nodes and read which provider served them: the
        // calls must reach a provider, not be answered by tiergate from the verified chain id.
        for (String network : new String[] {NETWORK, TESTNET, PAIR}) {
            registry.add("tiergate.networks." + network + ".local-answers.enabled", () -> "false");
        }
        TestNetwork.named(NETWORK)
                .tier("local", TestNetwork.provider("local_1", local1.url()).weight(100).set("timeout", "8s"),
                        TestNetwork.provider("local_2", local2.url()).weight(80)
                                .set("rate-limit.requests", "1000000").set("rate-limit.period", "1h"))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud1.url() + "/?apikey={api-key}")
                        .set("api-key", API_KEY).weight(60))
                .set("chain-id", "31337")
                .set("circuit-breaker.open-duration", "10m")
                .register(registry);
        TestNetwork.named(TESTNET)
                .tier("main", TestNetwork.provider("testnet_1", cloud1.url()))
                .set("chain-id", "31337")
                .register(registry);
        TestNetwork.named(PAIR)
                .tier("duo", TestNetwork.provider("pair_1", pairNode.url()), TestNetwork.provider("pair_2", cloud1.url()))
                .set("chain-id", "31337")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        local1.close();
        local2.close();
        cloud1.close();
        pairNode.close();
    }

    @LocalManagementPort
    int managementPort;

    @BeforeEach
    void everyProviderProbedUp() {
        for (String[] p : new String[][] {{NETWORK, "local_1"}, {NETWORK, "local_2"}, {NETWORK, "cloud_1"},
                {TESTNET, "testnet_1"}}) {
            await(p[1] + " UP", () -> "UP".equals(get("/admin/networks/" + p[0] + "/providers/" + p[1]).json()
                    .path("health").asString()), () -> get("/admin/networks/" + p[0] + "/providers/" + p[1]).body());
        }
    }

    @AfterEach
    void putEverythingBack() {
        local1.resume();
        pairNode.resume();
        String pair = "/admin/networks/" + PAIR + "/providers";
        for (String[] p : new String[][] {{"pair_1", pairNode.url()}, {"pair_2", cloud1.url()}}) {
            if (get(pair + "/" + p[0]).status() == 404) {
                admin(HttpMethod.POST, pair, "{\"tier\": \"duo\", \"name\": \"" + p[0] + "\", \"url\": \"" + p[1] + "\"}");
            }
            admin(HttpMethod.DELETE, pair + "/" + p[0] + "/weight", null);
        }
        for (String name : List.of("local_1", "local_2", "cloud_1")) {
            admin(HttpMethod.DELETE, PROVIDERS + "/" + name + "/weight", null);
            if (!"ACTIVE".equals(get(PROVIDERS + "/" + name).json().path("adminState").asString())) {
                admin(HttpMethod.POST, PROVIDERS + "/" + name + "/reinstate", null);
            }
        }
        for (String added : List.of("local_added", "local_added_again")) {
            if (get(PROVIDERS + "/" + added).status() == 200) {
                admin(HttpMethod.DELETE, PROVIDERS + "/" + added, null);
            }
        }
    }

    // --- views ---

    @Test
    void networksListsEveryNetworkWithItsTiersInPriorityOrderAndTheTierServingNow() {
        Reply reply = get("/admin/networks");

        assertJson(reply, 200);
        JsonNode networks = reply.json();
        assertThat(names(networks)).containsExactly(NETWORK, TESTNET, PAIR);
        JsonNode ethereum = byName(networks, NETWORK);
        assertThat(ethereum.path("chainId").asLong()).isEqualTo(31337);
        assertThat(ethereum.path("strategy").asString()).isEqualTo("priority-weighted");
        assertThat(ethereum.path("servingTier").asString()).isEqualTo("local");
        assertThat(ethereum.path("bestHead").asLong()).isGreaterThanOrEqualTo(0);
        JsonNode tiers = ethereum.path("tiers");
        assertThat(tiers.size()).isEqualTo(2);
        assertThat(tiers.get(0).path("name").asString()).isEqualTo("local");
        assertThat(tiers.get(0).path("priority").asInt()).isEqualTo(1);
        assertThat(tiers.get(0).path("usable").asBoolean()).isTrue();
        assertThat(names(tiers.get(0).path("providers"))).containsExactly("local_1", "local_2");
        assertThat(tiers.get(1).path("name").asString()).isEqualTo("cloud");
        assertThat(tiers.get(1).path("priority").asInt()).isEqualTo(2);
        assertThat(names(tiers.get(1).path("providers"))).containsExactly("cloud_1");
        JsonNode testnet = byName(networks, TESTNET);
        assertThat(testnet.path("servingTier").asString()).isEqualTo("main");
        assertThat(names(testnet.path("tiers").get(0).path("providers"))).containsExactly("testnet_1");

        // Both local providers drained: the cloud tier serves, and the view says so.
        admin(HttpMethod.POST, PROVIDERS + "/local_1/drain", null);
        admin(HttpMethod.POST, PROVIDERS + "/local_2/drain", null);
        JsonNode drained = byName(get("/admin/networks").json(), NETWORK);
        assertThat(drained.path("servingTier").asString()).isEqualTo("cloud");
        assertThat(drained.path("tiers").get(0).path("usable").asBoolean()).isFalse();
        assertThat(rpc(request(1, "eth_chainId", "[]")).header("X-Tiergate-Tier")).isEqualTo("cloud");

        admin(HttpMethod.POST, PROVIDERS + "/local_1/reinstate", null);
        assertThat(byName(get("/admin/networks").json(), NETWORK).path("servingTier").asString()).isEqualTo("local");
    }

    @Test
    void providersListAndOneProviderShowRoutingHealthAndTrafficFieldsWithTheUrlRedacted() {
        Reply list = get(PROVIDERS);

        assertJson(list, 200);
        JsonNode providers = list.json();
        assertThat(names(providers)).containsExactly("local_1", "local_2", "cloud_1");
        for (int i = 0; i < providers.size(); i++) {
            JsonNode p = providers.get(i);
            for (String field : List.of("name", "tier", "url", "configuredWeight", "effectiveWeight", "adminState",
                    "health", "circuit", "rateLimitedUntil", "quotaLeft", "head", "lag", "inFlight", "latencyMs",
                    "requestsPerMinute", "errorRate")) {
                assertThat(p.has(field)).as(field + " in " + p).isTrue();
            }
            assertThat(p.path("adminState").asString()).isEqualTo("ACTIVE");
            assertThat(p.path("health").asString()).isEqualTo("UP");
            assertThat(p.path("circuit").asString()).isEqualTo("CLOSED");
            assertThat(p.path("rateLimitedUntil").isNull()).as(p.toString()).isTrue();
            assertThat(p.path("head").asLong()).as(p.toString()).isGreaterThanOrEqualTo(0);
            assertThat(p.path("lag").asLong()).as(p.toString()).isZero();
            assertThat(p.path("inFlight").asInt()).isZero();
            // The probes measured them.
            assertThat(p.path("latencyMs").isNumber()).as(p.toString()).isTrue();
            assertThat(p.path("latencyMs").asDouble()).isGreaterThan(0);
            assertThat(p.path("configuredWeight").asInt()).isEqualTo(p.path("effectiveWeight").asInt());
        }
        JsonNode local1View = providers.get(0);
        assertThat(local1View.path("tier").asString()).isEqualTo("local");
        assertThat(local1View.path("url").asString()).isEqualTo(local1.url());
        assertThat(local1View.path("configuredWeight").asInt()).isEqualTo(100);
        assertThat(local1View.path("quotaLeft").isNull()).as("no quota configured").isTrue();
        JsonNode local2View = providers.get(1);
        assertThat(local2View.path("configuredWeight").asInt()).isEqualTo(80);
        // Probes spend the quota too, so some of the million are gone, but most are left.
        assertThat(local2View.path("quotaLeft").asLong()).isBetween(900_000L, 1_000_000L);
        JsonNode cloud = providers.get(2);
        assertThat(cloud.path("tier").asString()).isEqualTo("cloud");
        assertThat(cloud.path("url").asString()).startsWith(cloud1.url()).endsWith("?***");
        assertThat(list.body()).doesNotContain(API_KEY);

        // One provider: the same view; its traffic counts requests of the last minute.
        String testnet1 = "/admin/networks/" + TESTNET + "/providers/testnet_1";
        long before = get(testnet1).json().path("requestsPerMinute").asLong();
        for (int i = 0; i < 5; i++) {
            assertThat(client.post(gatewayUrl() + TESTNET, request(i, "eth_blockNumber", "[]")).status()).isEqualTo(200);
        }
        Reply one = get(testnet1);
        assertJson(one, 200);
        assertThat(one.json().path("name").asString()).isEqualTo("testnet_1");
        assertThat(one.json().path("network").asString()).isEqualTo(TESTNET);
        assertThat(one.json().path("tier").asString()).isEqualTo("main");
        assertThat(one.json().path("requestsPerMinute").asLong()).isEqualTo(before + 5);
        assertThat(one.json().path("errorRate").asDouble()).isZero();
        JsonNode cloudOne = get(PROVIDERS + "/cloud_1").json();
        assertThat(cloudOne.path("url").asString()).isEqualTo(cloud.path("url").asString());
        assertThat(cloudOne.path("configuredWeight").asInt()).isEqualTo(60);
    }

    // --- drain and reinstate ---

    @Test
    void drainAnswersTheRequestsStillInFlightWhichFinishNormallyWhileNewRequestsGoElsewhere() throws Exception {
        // Everything to local_1, and local_1 frozen: the next request stays in flight there.
        admin(HttpMethod.PUT, PROVIDERS + "/local_2/weight", "{\"weight\": 0}");
        local1.pause();
        CompletableFuture<JsonRpcClient.Response> inFlight =
                CompletableFuture.supplyAsync(() -> rpc(request(42, "eth_chainId", "[]")));
        await("a request in flight on local_1", () -> get(PROVIDERS + "/local_1").json().path("inFlight").asInt() == 1,
                () -> get(PROVIDERS + "/local_1").body());
        admin(HttpMethod.DELETE, PROVIDERS + "/local_2/weight", null);

        Reply drain = admin(HttpMethod.POST, PROVIDERS + "/local_1/drain", null);

        assertJson(drain, 200);
        assertThat(drain.json().path("name").asString()).isEqualTo("local_1");
        assertThat(drain.json().path("adminState").asString()).isEqualTo("DRAINED");
        assertThat(drain.json().path("inFlight").asInt()).isEqualTo(1);
        for (int i = 0; i < 30; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Tiergate-Provider")).isEqualTo("local_2");
        }
        assertThat(inFlight).isNotDone();
        JsonNode tierHealth = health("local").path("details").path("providers").path("local_1");
        assertThat(tierHealth.path("usable").asBoolean()).as(tierHealth.toString()).isFalse();
        assertThat(tierHealth.path("reason").asString()).isEqualTo("drained by an operator");

        local1.resume();
        JsonRpcClient.Response finished = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(finished.status()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":\"0x7a69\"}");
        assertThat(finished.header("X-Tiergate-Provider")).isEqualTo("local_1");
        assertThat(finished.header("X-Tiergate-Attempts")).isEqualTo("1");
        await("local_1's in-flight count back to 0",
                () -> get(PROVIDERS + "/local_1").json().path("inFlight").asInt() == 0,
                () -> get(PROVIDERS + "/local_1").body());
        assertThat(get(PROVIDERS + "/local_1").json().path("adminState").asString()).isEqualTo("DRAINED");
    }

    @Test
    void reinstateOfADrainedProviderBringsItBackIntoTraffic() {
        admin(HttpMethod.POST, PROVIDERS + "/local_1/drain", null);
        assertThat(providersOf(40)).doesNotContainKey("local_1");

        Reply reinstate = admin(HttpMethod.POST, PROVIDERS + "/local_1/reinstate", null);

        assertJson(reinstate, 200);
        assertThat(reinstate.json().path("adminState").asString()).isEqualTo("ACTIVE");
        assertThat(reinstate.json().path("circuit").asString()).isEqualTo("CLOSED");
        assertThat(reinstate.json().path("availability").asString()).isEqualTo("usable");
        assertThat(providersOf(60)).containsKey("local_1");
        JsonNode tierHealth = health("local").path("details").path("providers").path("local_1");
        assertThat(tierHealth.path("usable").asBoolean()).as(tierHealth.toString()).isTrue();
        // The reinstate asked for a probe at once: it is UP again without the clock moving.
        await("local_1 probed UP after the reinstate",
                () -> "UP".equals(get(PROVIDERS + "/local_1").json().path("health").asString()),
                () -> get(PROVIDERS + "/local_1").body());
    }

    // --- weight ---

    @Test
    void putWeightChangesTheEffectiveWeightAndDeleteRestoresTheConfiguredOne() {
        Reply put = admin(HttpMethod.PUT, PROVIDERS + "/local_2/weight", "{\"weight\": 0}");

        assertJson(put, 200);
        assertThat(put.json().path("configuredWeight").asInt()).isEqualTo(80);
        assertThat(put.json().path("effectiveWeight").asInt()).isZero();
        assertThat(get(PROVIDERS + "/local_2").json().path("effectiveWeight").asInt()).isZero();
        assertThat(health("local").path("details").path("providers").path("local_2").path("weight").asInt()).isZero();
        assertThat(providersOf(40)).containsOnlyKeys("local_1");
        // Weight 0 means no traffic while another provider of the tier is usable: with local_1 drained, the
        // tier still serves, from local_2, rather than handing its traffic to the cloud tier.
        admin(HttpMethod.POST, PROVIDERS + "/local_1/drain", null);
        assertThat(providersOf(10)).containsOnlyKeys("local_2");
        admin(HttpMethod.POST, PROVIDERS + "/local_1/reinstate", null);

        Reply put2 = admin(HttpMethod.PUT, PROVIDERS + "/local_2/weight", "{\"weight\": 1000}");
        assertThat(put2.json().path("effectiveWeight").asInt()).isEqualTo(1000);

        Reply restore = admin(HttpMethod.DELETE, PROVIDERS + "/local_2/weight", null);

        assertJson(restore, 200);
        assertThat(restore.json().path("effectiveWeight").asInt()).isEqualTo(80);
        assertThat(restore.json().path("configuredWeight").asInt()).isEqualTo(80);
        assertThat(get(PROVIDERS + "/local_2").json().path("effectiveWeight").asInt()).isEqualTo(80);
        assertThat(providersOf(60)).containsKeys("local_1", "local_2");
        // Restoring what is already configured is harmless.
        Reply again = admin(HttpMethod.DELETE, PROVIDERS + "/local_2/weight", null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("effectiveWeight").asInt()).isEqualTo(80);
    }

    @Test
    void weightOfAnUnknownProviderOrNetworkAnswers404AndChangesNothing() {
        assertError(admin(HttpMethod.PUT, PROVIDERS + "/nobody/weight", "{\"weight\": 5}"), 404, "nobody");
        assertError(admin(HttpMethod.DELETE, PROVIDERS + "/nobody/weight", null), 404, "nobody");
        assertError(admin(HttpMethod.PUT, "/admin/networks/nonet/providers/local_1/weight", "{\"weight\": 5}"), 404,
                "nonet");
        assertError(admin(HttpMethod.POST, PROVIDERS + "/nobody/drain", null), 404, "nobody");
        assertError(admin(HttpMethod.POST, "/admin/networks/nonet/providers/local_1/drain", null), 404, "nonet");
        assertThat(get(PROVIDERS + "/local_1").json().path("effectiveWeight").asInt()).isEqualTo(100);
        assertThat(get(PROVIDERS + "/local_1").json().path("adminState").asString()).isEqualTo("ACTIVE");
    }

    // --- add and remove ---

    @Test
    void addedProviderServesTrafficAndIsShownUntilItIsRemoved() {
        String body = "{\"tier\": \"local\", \"name\": \"local_added\", \"url\": \"" + cloud1.url()
                + "/?apikey={api-key}\", \"api-key\": \"" + API_KEY + "\", \"weight\": 1000, \"timeout\": \"3s\"}";

        Reply add = admin(HttpMethod.POST, PROVIDERS, body);

        assertThat(add.status()).as(add.body()).isIn(200, 201);
        JsonNode view = add.json();
        assertThat(view.path("name").asString()).isEqualTo("local_added");
        assertThat(view.path("tier").asString()).isEqualTo("local");
        assertThat(view.path("configuredWeight").asInt()).isEqualTo(1000);
        assertThat(view.path("adminState").asString()).isEqualTo("ACTIVE");
        assertThat(view.path("url").asString()).startsWith(cloud1.url()).endsWith("?***");
        assertThat(add.body()).doesNotContain(API_KEY);
        assertThat(names(get(PROVIDERS).json())).containsExactly("local_1", "local_2", "local_added", "cloud_1");
        assertThat(names(byName(get("/admin/networks").json(), NETWORK).path("tiers").get(0).path("providers")))
                .containsExactly("local_1", "local_2", "local_added");
        assertThat(health("local").path("details").path("providers").has("local_added")).isTrue();
        String breakerMetric = "/actuator/metrics/resilience4j.circuitbreaker.state?tag=name:ethereum.local_added";
        assertThat(get(breakerMetric).status()).as("its circuit breaker's metrics").isEqualTo(200);
        Map<String, Integer> served = providersOf(40);
        assertThat(served).containsKey("local_added");
        assertThat(served.get("local_added")).as(served.toString()).isGreaterThan(20);

        Reply remove = admin(HttpMethod.DELETE, PROVIDERS + "/local_added", null);

        assertThat(remove.status()).as(remove.body()).isIn(200, 204);
        assertError(get(PROVIDERS + "/local_added"), 404, "local_added");
        assertThat(names(get(PROVIDERS).json())).containsExactly("local_1", "local_2", "cloud_1");
        JsonNode tierHealth = health("local");
        assertThat(tierHealth.path("details").path("providers").has("local_added")).as(tierHealth.toString()).isFalse();
        assertThat(tierHealth.path("details").path("providers").has("local_1")).isTrue();
        assertThat(providersOf(40)).doesNotContainKey("local_added");
        assertThat(get("/admin/status").body()).doesNotContain("local_added");
        assertThat(get(breakerMetric).status()).as("its metrics go with it").isEqualTo(404);
        assertThat(get("/actuator/metrics/resilience4j.circuitbreaker.state?tag=name:ethereum.local_1").status())
                .isEqualTo(200);
    }

    @Test
    void aRemovedProviderCanBeAddedAgainUnderItsName() {
        String body = "{\"tier\": \"local\", \"name\": \"local_added_again\", \"url\": \"" + cloud1.url()
                + "\", \"weight\": 1000}";
        assertThat(admin(HttpMethod.POST, PROVIDERS, body).status()).isIn(200, 201);
        assertThat(admin(HttpMethod.DELETE, PROVIDERS + "/local_added_again", null).status()).isIn(200, 204);

        Reply again = admin(HttpMethod.POST, PROVIDERS, body);

        assertThat(again.status()).as(again.body()).isIn(200, 201);
        assertThat(get(PROVIDERS + "/local_added_again").status()).isEqualTo(200);
        assertThat(providersOf(40)).containsKey("local_added_again");
    }

    @Test
    void addWithAnInvalidUrlAnswers400WithTheReasonAndAddsNothing() {
        for (String url : List.of("not a url", "ftp://127.0.0.1:21/", "127.0.0.1:8545", "http://")) {
            Reply reply = admin(HttpMethod.POST, PROVIDERS,
                    "{\"tier\": \"local\", \"name\": \"bad_url\", \"url\": \"" + url + "\"}");
            assertError(reply, 400, null);
            assertThat(reply.json().path("detail").asString()).as(url).contains("url").contains("malformed URL");
        }
        assertError(admin(HttpMethod.POST, PROVIDERS, "{\"tier\": \"local\", \"name\": \"no_url\"}"), 400, null);
        assertThat(names(get(PROVIDERS).json())).containsExactly("local_1", "local_2", "cloud_1");
    }

    @Test
    void addUnderANameTakenAnywhereInTheNetworkAnswers409() {
        for (String taken : List.of("local_1", "cloud_1")) {
            Reply reply = admin(HttpMethod.POST, PROVIDERS,
                    "{\"tier\": \"local\", \"name\": \"" + taken + "\", \"url\": \"" + local2.url() + "\"}");
            assertError(reply, 409, null);
            assertThat(reply.json().path("detail").asString()).isEqualTo(taken);
        }
        assertThat(get(PROVIDERS + "/cloud_1").json().path("tier").asString()).isEqualTo("cloud");
        assertThat(get(PROVIDERS + "/local_1").json().path("url").asString()).isEqualTo(local1.url());
    }

    @Test
    void addToAnUnknownTierAnswers400NamingTheTiers() {
        Reply reply = admin(HttpMethod.POST, PROVIDERS,
                "{\"tier\": \"public\", \"name\": \"x_public\", \"url\": \"" + local2.url() + "\"}");
        assertError(reply, 400, "unknown tier");
        assertThat(reply.json().path("detail").asString()).contains("local").contains("cloud").contains("public");

        Reply noTier = admin(HttpMethod.POST, PROVIDERS, "{\"name\": \"x_none\", \"url\": \"" + local2.url() + "\"}");
        assertError(noTier, 400, "unknown tier");
        assertThat(names(get(PROVIDERS).json())).containsExactly("local_1", "local_2", "cloud_1");
    }

    @Test
    void addWithValuesConfigurationWouldRefuseAnswers400NamingTheKey() {
        Map<String, String> bodies = Map.of(
                "timeout", "{\"tier\": \"local\", \"name\": \"x1\", \"url\": \"" + local2.url() + "\", \"timeout\": \"soon\"}",
                "weight", "{\"tier\": \"local\", \"name\": \"x2\", \"url\": \"" + local2.url() + "\", \"weight\": 5000}",
                "max-failures", "{\"tier\": \"local\", \"name\": \"x3\", \"url\": \"" + local2.url() + "\", \"max-failures\": 0}",
                "name", "{\"tier\": \"local\", \"url\": \"" + local2.url() + "\"}",
                "rate-limit", "{\"tier\": \"local\", \"name\": \"x4\", \"url\": \"" + local2.url()
                        + "\", \"rate-limit\": {\"requests\": 0, \"period\": \"1m\"}}");
        bodies.forEach((key, body) -> {
            Reply reply = admin(HttpMethod.POST, PROVIDERS, body);
            assertError(reply, 400, null);
            assertThat(reply.json().path("detail").asString()).as(body).contains(key);
        });
        assertThat(names(get(PROVIDERS).json())).containsExactly("local_1", "local_2", "cloud_1");
    }

    @Test
    void addToAnUnknownNetworkAnswers404() {
        assertError(admin(HttpMethod.POST, "/admin/networks/nonet/providers",
                "{\"tier\": \"local\", \"name\": \"x\", \"url\": \"" + local2.url() + "\"}"), 404, "nonet");
    }

    @Test
    void removingTheLastProviderOfANetworkAnswers409AndKeepsItServing() {
        Reply reply = admin(HttpMethod.DELETE, "/admin/networks/" + TESTNET + "/providers/testnet_1", null);

        assertError(reply, 409, null);
        Reply still = get("/admin/networks/" + TESTNET + "/providers/testnet_1");
        assertThat(still.status()).isEqualTo(200);
        assertThat(still.json().path("adminState").asString()).isEqualTo("ACTIVE");
        JsonRpcClient.Response rpc = client.post(gatewayUrl() + TESTNET, request(1, "eth_chainId", "[]"));
        assertThat(rpc.status()).isEqualTo(200);
        assertThat(rpc.header("X-Tiergate-Provider")).isEqualTo("testnet_1");
    }

    @Test
    void removingAnUnknownProviderAnswers404() {
        assertError(admin(HttpMethod.DELETE, PROVIDERS + "/nobody", null), 404, "nobody");
        assertError(admin(HttpMethod.DELETE, "/admin/networks/nonet/providers/local_1", null), 404, "nonet");
    }

    @Test
    void deleteWaitsForTheRequestsInFlightAndTheOtherProviderStaysAsTheLastOne() throws Exception {
        String pair = "/admin/networks/" + PAIR + "/providers";
        // A request held in flight on pair_1 (its node frozen, pair_2 weighing 0).
        admin(HttpMethod.PUT, pair + "/pair_2/weight", "{\"weight\": 0}");
        pairNode.pause();
        CompletableFuture<JsonRpcClient.Response> inFlight = CompletableFuture.supplyAsync(
                () -> client.post(gatewayUrl() + PAIR, request(7, "eth_chainId", "[]")));
        await("a request in flight on pair_1", () -> get(pair + "/pair_1").json().path("inFlight").asInt() == 1,
                () -> get(pair + "/pair_1").body());
        admin(HttpMethod.DELETE, pair + "/pair_2/weight", null);

        CompletableFuture<Reply> removeFirst = CompletableFuture.supplyAsync(
                () -> admin(HttpMethod.DELETE, pair + "/pair_1", null));
        await("pair_1 drained by its removal", () -> "DRAINED".equals(get(pair + "/pair_1").json().path("adminState")
                .asString()), () -> get(pair + "/pair_1").body());
        // pair_1 is on its way out: pair_2 is the network's last provider.
        Reply removeSecond = admin(HttpMethod.DELETE, pair + "/pair_2", null);
        assertThat(removeFirst).as("DELETE waits for the request in flight").isNotDone();
        pairNode.resume();
        Reply removedFirst = removeFirst.get(15, TimeUnit.SECONDS);
        JsonRpcClient.Response finished = inFlight.get(15, TimeUnit.SECONDS);

        assertThat(removedFirst.status()).as(removedFirst.body()).isIn(200, 204);
        assertThat(finished.status()).isEqualTo(200);
        assertThat(finished.header("X-Tiergate-Provider")).isEqualTo("pair_1");
        assertThat(finished.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x7a69\"}");
        assertError(get(pair + "/pair_1"), 404, "pair_1");
        assertThat(names(get(pair).json())).as("providers left in network pair").containsExactly("pair_2");
        JsonRpcClient.Response served = client.post(gatewayUrl() + PAIR, request(8, "eth_chainId", "[]"));
        assertThat(served.status()).as(served.body()).isEqualTo(200);
        assertError(removeSecond, 409, null);
    }

    @Test
    void everyChangeBumpsTheAdminActionsMetricOfItsAction() {
        double drains = adminActions("drain");
        double weights = adminActions("weight");
        double restores = adminActions("weight-restore");
        double reinstates = adminActions("reinstate");

        admin(HttpMethod.PUT, PROVIDERS + "/local_2/weight", "{\"weight\": 10}");
        admin(HttpMethod.PUT, PROVIDERS + "/local_2/weight", "{\"weight\": 20}");
        admin(HttpMethod.DELETE, PROVIDERS + "/local_2/weight", null);
        admin(HttpMethod.POST, PROVIDERS + "/local_2/drain", null);
        admin(HttpMethod.POST, PROVIDERS + "/local_2/reinstate", null);
        admin(HttpMethod.PUT, PROVIDERS + "/local_2/weight", "{\"weight\": 2000}");

        assertThat(adminActions("weight")).isEqualTo(weights + 2);
        assertThat(adminActions("weight-restore")).isEqualTo(restores + 1);
        assertThat(adminActions("drain")).isEqualTo(drains + 1);
        assertThat(adminActions("reinstate")).isEqualTo(reinstates + 1);
    }

    // --- audit and status ---

    @Test
    void auditListsEveryChangeNewestFirstWithTheTokenNameAndBeforeAndAfter() {
        Instant start = clock.instant();
        admin(HttpMethod.PUT, PROVIDERS + "/local_1/weight", "{\"weight\": 40}");
        admin(HttpMethod.POST, PROVIDERS + "/local_1/drain", null);
        send(management(), HttpMethod.POST, PROVIDERS + "/local_1/reinstate", null, bearer(DEPLOY_TOKEN), null);
        admin(HttpMethod.DELETE, PROVIDERS + "/local_1/weight", null);
        // Refused calls change nothing and leave no entry.
        admin(HttpMethod.PUT, PROVIDERS + "/local_1/weight", "{\"weight\": 4000}");
        admin(HttpMethod.DELETE, "/admin/networks/" + TESTNET + "/providers/testnet_1", null);

        Reply reply = get("/admin/audit?limit=4");

        assertJson(reply, 200);
        JsonNode entries = reply.json();
        assertThat(entries.size()).isEqualTo(4);
        String[][] expected = {
                {"ops", "weight-restore", "40", "100"},
                {"deploy", "reinstate", null, null},
                {"ops", "drain", "ACTIVE", "DRAINED"},
                {"ops", "weight", "100", "40"}};
        for (int i = 0; i < expected.length; i++) {
            JsonNode e = entries.get(i);
            assertThat(e.path("actor").asString()).as(e.toString()).isEqualTo(expected[i][0]);
            assertThat(e.path("action").asString()).as(e.toString()).isEqualTo(expected[i][1]);
            assertThat(e.path("network").asString()).isEqualTo(NETWORK);
            assertThat(e.path("provider").asString()).isEqualTo("local_1");
            assertThat(Instant.parse(e.path("at").asString())).isAfterOrEqualTo(start);
            if (expected[i][2] != null) {
                assertThat(e.path("before").asString()).as(e.toString()).isEqualTo(expected[i][2]);
                assertThat(e.path("after").asString()).as(e.toString()).isEqualTo(expected[i][3]);
            }
        }
        JsonNode reinstate = entries.get(1);
        assertThat(reinstate.path("before").asString()).as(reinstate.toString()).contains("DRAINED");
        assertThat(reinstate.path("after").asString()).as(reinstate.toString()).contains("ACTIVE");

        // Add and remove are recorded too, and the default listing holds more than the last four.
        String added = "{\"tier\": \"cloud\", \"name\": \"local_added\", \"url\": \"" + cloud1.url() + "\", \"weight\": 7}";
        admin(HttpMethod.POST, PROVIDERS, added);
        admin(HttpMethod.DELETE, PROVIDERS + "/local_added", null);
        JsonNode all = get("/admin/audit").json();
        assertThat(all.size()).isGreaterThanOrEqualTo(6);
        assertThat(all.get(0).path("action").asString()).isEqualTo("remove");
        assertThat(all.get(0).path("provider").asString()).isEqualTo("local_added");
        assertThat(all.get(1).path("action").asString()).isEqualTo("add");
        assertThat(all.get(1).path("before").asString()).isEqualTo("absent");
        assertThat(all.get(1).path("after").asString()).contains("cloud").contains("7");
        assertThat(all.get(2)).isEqualTo(entries.get(0));
    }

    @Test
    void statusNamesEveryNetworkTierAndProviderWithAUsageBar() {
        for (int i = 0; i < 10; i++) {
            assertThat(rpc(request(i, "eth_blockNumber", "[]")).status()).isEqualTo(200);
        }
        admin(HttpMethod.POST, PROVIDERS + "/local_2/drain", null);

        Reply reply = get("/admin/status");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.TEXT_PLAIN_VALUE);
        String text = reply.body();
        assertThat(text).contains("network ethereum: UP, serving tier local").contains("network testnet: UP, serving tier main")
                .contains("network pair: UP, serving tier duo")
                .contains("cluster: UP, store memory: overrides, quotas and rests are this replica's own, replica ");
        Map<String, Integer> bars = new HashMap<>();
        Matcher tier = Pattern.compile("tier (\\d) (\\S+)\\s+\\[([#.]{30})\\]\\s+\\d+[.,]\\d%").matcher(text);
        while (tier.find()) {
            bars.merge(tier.group(2), (int) tier.group(3).chars().filter(c -> c == '#').count(), Integer::sum);
        }
        assertThat(bars).as(text).containsOnlyKeys("local", "cloud", "main", "duo");
        assertThat(bars.get("local")).as(text).isGreaterThan(0);
        assertThat(bars.get("local") + bars.get("cloud")).as(text).isBetween(29, 31);
        for (String provider : List.of("local_1", "local_2", "cloud_1", "testnet_1")) {
            assertThat(text).containsPattern(provider + "\\s+(UP|UNKNOWN)\\s+(ACTIVE|DRAINED)\\s+circuit CLOSED\\s+weight\\s+\\d+\\s+\\d+ req/min");
        }
        assertThat(text).containsPattern("local_2\\s+UP\\s+DRAINED");
        assertThat(text).containsPattern("local_1\\s+UP\\s+ACTIVE\\s+circuit CLOSED\\s+weight\\s+100\\s");
        assertThat(text).doesNotContain(API_KEY);
    }

    // --- helpers ---

    WebTestClient management() {
        return AdminRequests.client(managementPort);
    }

    Reply get(String path) {
        return send(management(), HttpMethod.GET, path, null, bearer(OPS_TOKEN), null);
    }

    Reply admin(HttpMethod method, String path, String body) {
        return send(management(), method, path, body, bearer(OPS_TOKEN), MediaType.APPLICATION_JSON_VALUE);
    }

    /** The count of metric tiergate.admin.actions for {@code action}; 0 before its first change. */
    double adminActions(String action) {
        Reply reply = get("/actuator/metrics/tiergate.admin.actions?tag=action:" + action);
        if (reply.status() == 404) {
            return 0;
        }
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode measurements = reply.json().path("measurements");
        for (int i = 0; i < measurements.size(); i++) {
            if ("COUNT".equals(measurements.get(i).path("statistic").asString())) {
                return measurements.get(i).path("value").asDouble();
            }
        }
        throw new AssertionError("no COUNT in " + reply.body());
    }

    JsonNode health(String tier) {
        Reply reply = send(management(), HttpMethod.GET, "/actuator/health/tiergate/" + NETWORK + "/" + tier, null, null,
                null);
        return reply.json();
    }

    /** Sends {@code n} requests to the default network; how many each provider answered. */
    Map<String, Integer> providersOf(int n) {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < n; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_blockNumber", "[]"));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            served.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        return served;
    }

    static JsonNode byName(JsonNode array, String name) {
        for (int i = 0; i < array.size(); i++) {
            if (name.equals(array.get(i).path("name").asString())) {
                return array.get(i);
            }
        }
        throw new AssertionError("no " + name + " in " + array);
    }

    static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            out.add(item.isString() ? item.asString() : item.path("name").asString());
        }
        return out;
    }

    static void assertJson(Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_JSON_VALUE);
    }

    /** A JSON error {@code {"error": ..., "detail": ...}} with {@code status}, naming {@code mentions} if given. */
    static void assertError(Reply reply, int status, String mentions) {
        assertJson(reply, status);
        JsonNode body = reply.json();
        assertThat(body.path("error").isString()).as(reply.body()).isTrue();
        assertThat(body.has("detail")).as(reply.body()).isTrue();
        if (mentions != null) {
            assertThat(body.path("error").asString() + " " + body.path("detail").asString()).as(reply.body())
                    .contains(mentions);
        }
    }
}
