package io.tiergate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.JsonRpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The released artifact as a user runs it: {@code java -jar target/tiergate-*.jar} with a config of three
 * tiers of anvil nodes serves single requests and batches, and keeps answering with no error while both
 * tier-1 nodes are killed. Run by Failsafe after {@code package}.
 */
class PackagedJarSmoke {

    static final List<AnvilNode> nodes = new ArrayList<>();
    static PackagedGateway gateway;
    static String url;
    final JsonRpcClient client = new JsonRpcClient();

    @BeforeAll
    static void startGatewayFromJar() throws Exception {
        for (int i = 0; i < 4; i++) {
            nodes.add(AnvilNode.start(1));
        }
        gateway = PackagedGateway.start("""
                tiergate:
                  networks:
                    ethereum:
                      chain-id: 1
                      timeout: 2s
                      tiers:
                        - name: local
                          providers:
                            - { name: erigon_local, url: "%s", weight: 100 }
                            - { name: geth_local, url: "%s", weight: 80 }
                        - name: cloud
                          providers:
                            - { name: cloud_node, url: "%s", weight: 60 }
                        - name: public
                          providers:
                            - { name: public_node, url: "%s", weight: 20 }
                """.formatted(nodes.get(0).url(), nodes.get(1).url(), nodes.get(2).url(), nodes.get(3).url()));
        url = gateway.url();
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        nodes.forEach(AnvilNode::close);
    }

    @Test
    void keepsAnsweringSinglesAndBatchesWhileTierOneNodesAreKilled() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        int total = 1200;
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            work.add(pool.submit(() -> {
                JsonRpcClient c = new JsonRpcClient();
                for (int i = 0; i < total / 4; i++) {
                    int n = sent.incrementAndGet();
                    if (n == total / 3) {
                        nodes.get(0).kill();
                        nodes.get(1).kill();
                    }
                    String body = n % 5 == 0
                            ? "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"},"
                                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_chainId\"}]"
                            : "{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"method\":\"eth_blockNumber\",\"params\":[]}";
                    JsonRpcClient.Response r = c.post(url, body);
                    boolean ok = r.status() == 200 && !r.body().contains("\"error\"")
                            && (n % 5 == 0 ? r.body().contains("\"id\":2,\"result\":\"0x1\"") : r.body().contains("\"id\":" + n + ","));
                    if (!ok) {
                        failed.incrementAndGet();
                        synchronized (failures) {
                            failures.add(r.status() + " " + r.body());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf("packaged jar under tier-1 loss: sent %d, answered %d, failed %d%n", sent.get(),
                sent.get() - failed.get(), failed.get());
        assertThat(failures).as("client-visible failures").isEmpty();
        JsonRpcClient.Response after = client.post(url, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_blockNumber\"}");
        assertThat(after.header("X-Tiergate-Tier")).isEqualTo("cloud");
    }

    @Test
    void answersBadInputWithJsonRpcErrors() {
        JsonRpcClient.Response notJson = client.post(url, "{oops");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body()).contains("-32700");
        JsonRpcClient.Response denied = client.post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"personal_sign\",\"params\":[]}");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).contains("-32601");
    }
}
