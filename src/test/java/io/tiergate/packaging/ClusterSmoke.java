package io.tiergate.packaging;

import static io.tiergate.testsupport.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.RedisNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two packaged jars started with {@code tiergate.cluster.store=redis} against one Redis behave as one gateway for
 * admin actions, and keep serving when Redis dies.
 */
class ClusterSmoke {

    private static final String TOKEN = "cluster-smoke-token";
    private static final String PROVIDER = "/admin/networks/ethereum/providers/local_1";
    private static final JsonRpcClient CLIENT = new JsonRpcClient();
    private static final String BLOCK_NUMBER = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}";

    @Test
    void twoJarsShareAdminChangesAndKeepServingWithoutRedis() throws Exception {
        try (AnvilNode node1 = AnvilNode.start(1); AnvilNode node2 = AnvilNode.start(1); RedisNode redis = RedisNode.start()) {
            String yaml = """
                    tiergate:
                      admin:
                        tokens:
                          ops: %s
                      cluster:
                        store: redis
                        name: smoke
                        redis:
                          url: %s
                      networks:
                        ethereum:
                          tiers:
                            - name: local
                              providers:
                                - { name: local_1, url: "%s" }
                                - { name: local_2, url: "%s" }
                    """.formatted(TOKEN, redis.url(), node1.url(), node2.url());
            try (PackagedGateway first = PackagedGateway.start(yaml); PackagedGateway second = PackagedGateway.start(yaml)) {
                assertThat(call(first, "POST", PROVIDER + "/drain").status()).isEqualTo(200);
                await("the drain through the first jar on the second", () -> call(second, "GET", PROVIDER).body()
                        .contains("\"adminState\":\"DRAINED\""), () -> call(second, "GET", PROVIDER).body(),
                        Duration.ofSeconds(1));

                redis.stop();
                for (PackagedGateway jar : new PackagedGateway[] {first, second}) {
                    await("cluster DEGRADED on " + jar.url(), () -> call(jar, "GET", "/actuator/health/cluster").body()
                            .contains("\"status\":\"DEGRADED\""));
                    JsonRpcClient.Response answer = CLIENT.post(jar.url(), BLOCK_NUMBER);
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(answer.body()).contains("\"result\"");
                    assertThat(answer.header("X-Tiergate-Provider")).isEqualTo("local_2");
                }

                redis.restart();
                await("cluster UP again", () -> call(first, "GET", "/actuator/health/cluster").body()
                        .contains("\"status\":\"UP\"") && call(second, "GET", "/actuator/health/cluster").body()
                        .contains("\"status\":\"UP\""));
                assertThat(call(second, "PUT", PROVIDER.replace("local_1", "local_2") + "/weight", "{\"weight\":42}")
                        .status()).isEqualTo(200);
                await("the change after Redis returned on the first jar", () -> call(first, "GET",
                        PROVIDER.replace("local_1", "local_2")).body().contains("\"effectiveWeight\":42"),
                        () -> call(first, "GET", PROVIDER.replace("local_1", "local_2")).body(), Duration.ofSeconds(1));
                assertThat(call(first, "GET", PROVIDER).body()).as("the drain survived Redis's restart")
                        .contains("\"adminState\":\"DRAINED\"");
            }
        }
    }

    private static JsonRpcClient.Response call(PackagedGateway jar, String method, String path) {
        return call(jar, method, path, null);
    }

    private static JsonRpcClient.Response call(PackagedGateway jar, String method, String path, String body) {
        return CLIENT.send(method, jar.managementUrl() + path, body,
                Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", JsonRpcClient.JSON));
    }
}
