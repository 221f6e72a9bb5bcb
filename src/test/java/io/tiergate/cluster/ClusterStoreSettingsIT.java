package io.tiergate.cluster;

import static io.tiergate.testsupport.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayInstance;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.RedisNode;
import io.tiergate.testsupport.TestNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a replica is told where its cluster store is: a Redis that wants a password gets it from
 * {@code tiergate.cluster.redis.password}, a wrong one leaves the replica serving alone and saying why, and the
 * password shows up nowhere (logs, health, metrics).
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterStoreSettingsIT {

    private static final String PASSWORD = "redis-pw-7f3a9c21e5";
    private static final String WRONG = "wrong-pw-0b8d6e44aa";
    private static final String TOKEN = "settings-test-token";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static AnvilNode node;
    static RedisNode redis;

    @BeforeAll
    static void start() {
        node = AnvilNode.start();
        redis = RedisNode.start(PASSWORD);
    }

    @AfterAll
    static void stop() {
        redis.close();
        node.close();
    }

    @Test
    void theRightPasswordJoinsTheClusterAndAWrongOneServesAloneAndSaysSoWithoutShowingEither(CapturedOutput output)
            throws Exception {
        try (GatewayInstance joined = GatewayInstance.start(config(PASSWORD), TOKEN);
                GatewayInstance alone = GatewayInstance.start(config(WRONG), TOKEN)) {
            // Probes are off here: one answered request is what readiness waits for (docs/health.md).
            assertThat(alone.rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}").status())
                    .isEqualTo(200);
            JsonNode joinedHealth = health(joined);
            assertThat(joinedHealth.path("status").asString()).isEqualTo("UP");
            assertThat(joinedHealth.path("details").path("store").asString()).isEqualTo("redis");

            JsonNode aloneHealth = health(alone);
            assertThat(aloneHealth.path("status").asString()).isEqualTo("DEGRADED");
            assertThat(aloneHealth.path("details").path("error").asString()).contains("WRONGPASS");
            assertThat(alone.manage("GET", "/actuator/health/readiness", null).status())
                    .as("an unreachable store does not make the replica unready").isEqualTo(200);
            // The admin status says up front whether a change made here reaches the fleet.
            String joinedStatus = joined.manage("GET", "/admin/status", null).body();
            assertThat(joinedStatus).contains("cluster: UP, store redis redis://127.0.0.1:")
                    .contains("1 replica(s) alive").doesNotContain("unreachable");
            String aloneStatus = alone.manage("GET", "/admin/status", null).body();
            assertThat(aloneStatus).contains("cluster: DEGRADED, store redis").contains("store unreachable since")
                    .contains("WRONGPASS").contains("meanwhile: last known overrides");
            JsonRpcClient.Response answer = alone.rpc(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).contains("\"result\"");

            // a drain through the joined replica is shared; the one alone keeps its own
            assertThat(joined.manage("POST", "/admin/networks/ethereum/providers/local_1/drain", null).status())
                    .isEqualTo(200);
            String metrics = joined.manage("GET", "/actuator/prometheus", null).body()
                    + alone.manage("GET", "/actuator/prometheus", null).body();
            assertThat(metrics).contains("tiergate_cluster_store_reachable 1.0", "tiergate_cluster_store_reachable 0.0");
            Matcher referenced = Pattern.compile("tiergate_cluster_[a-z_]+").matcher(
                    Files.readString(Path.of("helm/tiergate/alerts/tiergate-rules.yaml")));
            while (referenced.find()) {
                assertThat(metrics).as("series the alert rules use").contains(referenced.group() + " ");
            }

            String everything = output.getAll() + joinedHealth + aloneHealth + metrics
                    + joinedStatus + aloneStatus
                    + joined.manage("GET", "/admin/audit", null).body();
            assertThat(everything).doesNotContain(PASSWORD).doesNotContain(WRONG);
        }
    }

    @Test
    void anUnknownStoreStopsStartUpNamingTheKey() {
        Map<String, String> config = config(PASSWORD);
        config.put("tiergate.cluster.store", "redsi");
        assertThatThrownBy(() -> GatewayInstance.start(config, TOKEN))
                .hasStackTraceContaining("tiergate.cluster.store");
    }

    private static JsonNode health(GatewayInstance replica) {
        return JSON.readTree(replica.manage("GET", "/actuator/health/cluster", null).body());
    }

    private static Map<String, String> config(String password) {
        Map<String, String> config = new LinkedHashMap<>(TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", node.url()), TestNetwork.provider("local_2", node.url()))
                .properties());
        config.put("tiergate.admin.tokens.ops", TOKEN);
        config.put("tiergate.cluster.store", "redis");
        config.put("tiergate.cluster.redis.url", redis.url());
        config.put("tiergate.cluster.redis.password", password);
        config.put("tiergate.cluster.name", "settings-it");
        return config;
    }
}
