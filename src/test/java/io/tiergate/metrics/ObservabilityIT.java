package io.tiergate.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Drives traffic through every outcome (success, failover, rate limited, circuit open, lagging, quota,
 * admin drain) and checks the Prometheus scrape: every metric a dashboard panel or an alert rule refers
 * to must be there, so a panel or rule naming a metric that does not exist fails the build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIT extends GatewayTest {

    static final String TOKEN = "observability-test-token";
    static final Pattern METRIC = Pattern.compile("\\b((?:tiergate|resilience4j|jvm|process|system|cache)_[a-z0-9_]+)");
    /**
     * WebSocket meters that appear only after their event (a provider's WebSocket failing, a client too slow):
     * WebSocketFailoverIT and WebSocketLimitsIT cause those events; here the panel's name is checked against the
     * meter name in the code instead of the scrape.
     */
    static final Set<String> EVENT_ONLY = Set.of("tiergate_websocket_upstream_switches_total",
            "tiergate_websocket_upstream_returns_total", "tiergate_websocket_slow_clients_total",
            "tiergate_websocket_unresponsive_clients_total", "tiergate_websocket_oversized_messages_total",
            "tiergate_websocket_gap_blocks_total", "tiergate_websocket_backfill_logs_total");
    static final AnvilNode local = AnvilNode.start();
    static final AnvilNode cloud = AnvilNode.start();
    static final AnvilNode spare = AnvilNode.start();
    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        wm.start();
        wm.stubFor(post(urlEqualTo("/broken")).willReturn(aResponse().withStatus(503)));
        wm.stubFor(post(urlEqualTo("/limited")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "600")));
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        registry.add("tiergate.admin.tokens.ops", () -> TOKEN);
        TestNetwork.named("ethereum")
                .set("chain-id", "31337")
                .set("health-check-interval", "1h")
                .set("hedge.enabled", "true")
                .tier("local", TestNetwork.provider("local_node", local.url()),
                        TestNetwork.provider("broken_node", wm.baseUrl() + "/broken"))
                .tier("cloud", TestNetwork.provider("cloud_node", cloud.url()).set("ws-url", cloud.wsUrl()),
                        TestNetwork.provider("limited_node", wm.baseUrl() + "/limited")
                                .set("rate-limit.requests", "1000").set("rate-limit.period", "1d"),
                        TestNetwork.provider("spare_node", spare.url()))
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        local.close();
        cloud.close();
        spare.close();
    }

    @LocalManagementPort
    int managementPort;

    @Test
    @Order(1)
    void everyMetricOfTheDashboardAndTheAlertRulesIsInTheScrape() throws Exception {
        // WebSocket: a client subscribes to newHeads (held upstream on cloud_node, the provider with a ws-url).
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText(request(1, "eth_subscribe", "[\"newHeads\"]"), true).get(10, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).contains("\"result\":\"0x");
        // A broadcast (anvil refuses the malformed transaction: rejected) and a read hedging may double.
        rpc(request(1, "eth_sendRawTransaction", "[\"0x02\"]"));
        rpc(request(1, "eth_getBlockByNumber", "[\"0x0\",false]"));
        // Failover and circuit open: the broken local node fails until its breaker opens.
        for (int i = 0; i < 40; i++) {
            assertThat(rpc(request(i, "eth_blockNumber", "[]")).status()).isEqualTo(200);
        }
        // Rate limited: with the local tier drained, the cloud tier serves and the 429 node rests.
        admin("POST", "/admin/networks/ethereum/providers/local_node/drain");
        for (int i = 0; i < 30; i++) {
            assertThat(rpc(request(i, "eth_chainId", "[]")).status()).isEqualTo(200);
        }
        // Lagging: the cloud node moves ahead, the spare node falls behind at the next probe.
        cloud.mine(10);
        clock.advance(Duration.ofHours(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String scrape = scrape();
        while (!scrape.contains("provider=\"spare_node\",state=\"LAGGING\",tier=\"cloud\"} 1.0")
                && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling the probe's effect, not waiting for time to pass
            scrape = scrape();
        }
        assertThat(scrape).contains("provider=\"spare_node\",state=\"LAGGING\",tier=\"cloud\"} 1.0");
        rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"personal_sign\",\"params\":[]}");
        rpc("{oops");
        scrape = scrape();

        Set<String> referenced = new TreeSet<>();
        for (String expr : dashboardQueries(Path.of("helm/tiergate/dashboards/tiergate.json"))) {
            referenced.addAll(metricsIn(expr));
        }
        for (String expr : ruleExpressions(Path.of("helm/tiergate/alerts/tiergate-rules.yaml"))) {
            referenced.addAll(metricsIn(expr));
        }
        // The cluster store's series exist only with tiergate.cluster.store=redis: ClusterStoreSettingsIT checks them.
        referenced.removeIf(name -> name.startsWith("tiergate_cluster_"));
        String webSocketMeters = Files.readString(Path.of("src/main/java/io/tiergate/websocket/WebSocketMetrics.java"));
        for (String name : EVENT_ONLY) {
            String meter = name.replaceFirst("_total$", "").replace('_', '.');
            assertThat(webSocketMeters).as("meter behind %s", name).contains("\"" + meter + "\"");
        }
        referenced.removeAll(EVENT_ONLY);
        assertThat(referenced).as("metrics referenced by the dashboard and the rules").isNotEmpty();
        // jvm_gc_pause_* exists once a collection has happened: make sure one has, and wait for its notification.
        System.gc();
        io.tiergate.testsupport.Eventually.await("a GC pause in the scrape",
                () -> {
                    try {
                        return scrape().contains("jvm_gc_pause_seconds_count");
                    } catch (Exception e) {
                        return false;
                    }
                });
        Set<String> scraped = new TreeSet<>();
        for (String line : scrape().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                scraped.add(line.split("[{ ]", 2)[0]);
            }
        }
        assertThat(scraped).as("scraped series names").containsAll(referenced);
        for (String provider : new String[] {"local_node", "broken_node", "cloud_node", "limited_node", "spare_node"}) {
            assertThat(scrape).contains("tiergate_upstream_calls_total{network=\"ethereum\",outcome=\"success\",provider=\""
                    + provider + "\"").contains("tiergate_provider_state{network=\"ethereum\",provider=\"" + provider);
        }
        assertThat(scrape).containsPattern("tiergate_failovers_total\\{from_tier=\"local\",network=\"ethereum\",to_tier=\"[a-z]+\"} [1-9]")
                .containsPattern("tiergate_rate_limit_incidents_total\\{network=\"ethereum\",provider=\"limited_node\",tier=\"cloud\"} [1-9]")
                .containsPattern("tiergate_provider_state\\{network=\"ethereum\",provider=\"broken_node\",state=\"DOWN\",tier=\"local\"} 1")
                .containsPattern("tiergate_upstream_calls_total\\{network=\"ethereum\",outcome=\"fault\",provider=\"broken_node\",tier=\"local\"} [1-9]")
                .containsPattern("tiergate_upstream_calls_total\\{network=\"ethereum\",outcome=\"circuit_open\",provider=\"broken_node\",tier=\"local\"} [1-9]")
                .containsPattern("tiergate_provider_drained\\{network=\"ethereum\",provider=\"local_node\",tier=\"local\"} 1")
                .containsPattern("tiergate_provider_quota_remaining\\{network=\"ethereum\",provider=\"limited_node\",tier=\"cloud\"}")
                .containsPattern("tiergate_requests_total\\{method=\"other\",network=\"ethereum\",outcome=\"denied\"} 1")
                .containsPattern("tiergate_admin_actions_total\\{action=\"drain\"} 1")
                .containsPattern("tiergate_websocket_subscriptions\\{kind=\"newHeads\",network=\"ethereum\"} 1")
                .containsPattern("tiergate_websocket_upstream_subscriptions\\{kind=\"newHeads\",network=\"ethereum\",provider=\"cloud_node\"} 1")
                .containsPattern("tiergate_broadcasts_total\\{network=\"ethereum\",outcome=\"[a-z]+\"} [1-9]")
                .containsPattern("tiergate_hedges_total\\{network=\"ethereum\",outcome=\"sent\"}")
                .containsPattern("cache_gets_total\\{cache=\"tiergate.answers\",[^}]*result=\"(hit|miss)\"}");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    @Order(2)
    void unknownMethodsCollapseIntoOther() throws Exception {
        for (int i = 0; i < 25; i++) {
            rpc(request(i, "made_up_method_" + i, "[]"));
        }
        String scrape = scrape();
        assertThat(scrape).doesNotContain("made_up_method_");
        assertThat(scrape).contains("tiergate_requests_total{method=\"other\",network=\"ethereum\"");
    }

    @Test
    @Order(3)
    void metersOfARemovedProviderGoWithIt() throws Exception {
        assertThat(scrape()).contains("provider=\"spare_node\"");
        assertThat(admin("DELETE", "/admin/networks/ethereum/providers/spare_node")).isEqualTo(200);
        String scrape = scrape();
        assertThat(scrape).doesNotContain("provider=\"spare_node\"").doesNotContain("name=\"ethereum.spare_node\"");
        assertThat(scrape).contains("provider=\"cloud_node\"");
    }

    private static Set<String> metricsIn(String expression) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expression);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Every "expr" of every panel target and every "query" of the template variables. */
    private static List<String> dashboardQueries(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        collect(JsonMapper.builder().build().readTree(file.toFile()), out);
        assertThat(out).as("queries in %s", file).isNotEmpty();
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if ((e.getKey().equals("expr") || e.getKey().equals("query")) && e.getValue().isString()) {
                    out.add(e.getValue().asString());
                } else if (e.getKey().equals("query") && e.getValue().isObject() && e.getValue().has("query")) {
                    out.add(e.getValue().get("query").asString());
                } else {
                    collect(e.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, out));
        }
    }

    /** Every rule's "expr" in the Prometheus rule groups. */
    @SuppressWarnings("unchecked")
    private static List<String> ruleExpressions(Path file) throws IOException {
        Map<String, Object> root = new Yaml().load(Files.readString(file));
        List<String> out = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) root.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                out.add(String.valueOf(rule.get("expr")));
            }
        }
        assertThat(out).as("rules in %s", file).isNotEmpty();
        return out;
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private int admin(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + path))
                .header("Authorization", "Bearer " + TOKEN).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
