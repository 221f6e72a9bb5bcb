package io.tiergate.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.TiergateApplication;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's rendered configuration runs: values whose providers point at two anvil nodes are templated with
 * the real Helm library, the ConfigMap's application.yml is fed to the real application, and JSON-RPC requests
 * are routed to those nodes through the tier named in values. Values and app keys cannot drift apart.
 */
@SuppressWarnings("unchecked")
class RenderedConfigIT {

    static final String TIER = "in-cluster";

    @TempDir
    static Path tmp;

    static AnvilNode nodeA;
    static AnvilNode nodeB;
    static String renderedYml;
    static ConfigurableApplicationContext context;
    static String rpcUrl;
    static String managementUrl;
    final JsonRpcClient client = new JsonRpcClient();

    @BeforeAll
    static void renderChartAndStartTheApp() throws IOException {
        nodeA = AnvilNode.start();
        nodeB = AnvilNode.start();
        Path values = tmp.resolve("anvil-values.yaml");
        // Only the tiers (and the chain id) differ from values.yaml: every other network key comes from the
        // chart's defaults, so the app must accept all of them as rendered.
        Files.writeString(values, """
                tiergate:
                  networks:
                    ethereum:
                      chain-id: 31337
                      tiers:
                        - name: %s
                          providers:
                            - name: anvil_a
                              url: %s
                              weight: 100
                              timeout: 3s
                            - name: anvil_b
                              url: %s
                              weight: 80
                """.formatted(TIER, nodeA.url(), nodeB.url()));
        List<Map<String, Object>> docs = HelmChartTest.render(t -> t.withValuesFile(values));
        renderedYml = HelmChartTest.applicationYml(docs);
        Path config = tmp.resolve("application.yml");
        Files.writeString(config, renderedYml);

        context = new SpringApplicationBuilder(TiergateApplication.class)
                // Run as in production: keep the test sources' @TestConfiguration classes (a frozen clock)
                // out of component scanning, as @SpringBootTest would.
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton(
                        ExcludeTestConfigurations.class.getName(), new ExcludeTestConfigurations()))
                .run("--spring.config.additional-location=file:" + config, "--server.port=0",
                        "--management.server.port=0");
        rpcUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/";
        managementUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.management.port");
    }

    @AfterAll
    static void stopAll() {
        if (context != null) {
            context.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    @Test
    void renderedConfigurationCarriesTheValues() {
        Map<String, Object> yml = new Yaml().load(renderedYml);
        assertThat((Object) HelmChartTest.get(yml, "server.shutdown")).isEqualTo("graceful");
        assertThat((Object) HelmChartTest.get(yml, "tiergate.networks.ethereum.chain-id")).isEqualTo(31337);
        assertThat((Object) HelmChartTest.get(yml, "tiergate.networks.ethereum.circuit-breaker.failure-threshold"))
                .isEqualTo(3);
        List<Map<String, Object>> tiers = HelmChartTest.get(yml, "tiergate.networks.ethereum.tiers");
        assertThat(tiers).singleElement().satisfies(t -> assertThat(t).containsEntry("name", TIER));
        // the app is running from that file, not from a test configuration
        assertThat(context.getBeansOfType(MutableClock.class)).isEmpty();
        assertThat(context.getBean(Clock.class)).isNotInstanceOf(MutableClock.class);
    }

    @Test
    void singleRequestIsServedByAnAnvilNodeOfTheTierFromValues() {
        // Answered by a node, or by tiergate itself once a probe has verified the chain id: either way 31337.
        JsonRpcClient.Response r = client.post(rpcUrl, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"result\":\"0x7a69\"").doesNotContain("\"error\"");

        JsonRpcClient.Response block = client.post(rpcUrl,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_blockNumber\",\"params\":[]}");
        assertThat(block.status()).as(block.body()).isEqualTo(200);
        assertThat(block.body()).containsPattern("\"result\":\"0x[0-9a-f]+\"").doesNotContain("\"error\"");
        assertThat(block.header("X-Tiergate-Tier")).isEqualTo(TIER);
        assertThat(block.header("X-Tiergate-Provider")).isIn("anvil_a", "anvil_b");

        // also on the network's own path
        JsonRpcClient.Response named = client.post(rpcUrl + "ethereum",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_blockNumber\",\"params\":[]}");
        assertThat(named.status()).as(named.body()).isEqualTo(200);
        assertThat(named.header("X-Tiergate-Tier")).isEqualTo(TIER);
    }

    @Test
    void batchIsServedByTheAnvilNodes() {
        JsonRpcClient.Response r = client.post(rpcUrl, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_chainId\"}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Map<String, Object>> answers = new Yaml().load(r.body());
        assertThat(answers).hasSize(2);
        assertThat(answers).allSatisfy(a -> assertThat(a).containsKey("result").doesNotContainKey("error"));
        Map<Object, Object> byId = new java.util.HashMap<>();
        answers.forEach(a -> byId.put(a.get("id"), a.get("result")));
        assertThat(byId).containsEntry(2, "0x7a69");
        assertThat((String) byId.get(1)).startsWith("0x");
    }

    @Test
    void readinessIsUpOnTheManagementPort() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(managementUrl + "/actuator/health/readiness")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"UP\"");
    }

    /** Leaves @TestConfiguration classes out of component scanning (what @SpringBootTest does). */
    static final class ExcludeTestConfigurations extends TypeExcludeFilter {

        @Override
        public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
            return reader.getAnnotationMetadata().hasAnnotation(TestConfiguration.class.getName());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ExcludeTestConfigurations;
        }

        @Override
        public int hashCode() {
            return ExcludeTestConfigurations.class.hashCode();
        }
    }
}
