package io.tiergate.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Lints and renders helm/tiergate with the real Helm library (helm-java) and asserts on the parsed manifests,
 * with the default values and with ci/full-values.yaml (every optional object switched on).
 */
@SuppressWarnings("unchecked")
class HelmChartTest {

    static final Path CHART = Paths.get("helm", "tiergate").toAbsolutePath();
    static final Path FULL_VALUES = CHART.resolve("ci/full-values.yaml");
    static final List<String> OPTIONAL_KINDS = List.of(
            "ServiceMonitor", "PrometheusRule", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy",
            "Ingress");

    // ---------------------------------------------------------------- lint

    @Test
    void lintsStrictlyWithDefaultValues() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    @Test
    void lintsStrictlyWithFullValues(@TempDir Path tmp) throws IOException {
        // helm-java's lint takes no values file: lint a copy whose values.yaml is defaults + full-values merged.
        Path copy = copyChart(tmp);
        Map<String, Object> merged = deepMerge(loadYaml(CHART.resolve("values.yaml")), loadYaml(FULL_VALUES));
        Files.writeString(copy.resolve("values.yaml"), new Yaml().dump(merged));
        LintResult result = new Helm(copy).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict (full values): %s", result.getMessages()).isFalse();
    }

    // ---------------------------------------------------------------- objects per value set

    @Test
    void defaultValuesRenderOnlyTheCoreObjects() {
        List<Map<String, Object>> docs = render(t -> t);
        assertThat(docs.stream().map(HelmChartTest::kindAndName).sorted()).containsExactly(
                "ConfigMap/tg-tiergate", "Deployment/tg-tiergate", "Secret/tg-tiergate",
                "Service/tg-tiergate", "Service/tg-tiergate-management", "ServiceAccount/tg-tiergate");
        for (String kind : OPTIONAL_KINDS) {
            assertThat(ofKind(docs, kind)).as(kind).isEmpty();
        }
        assertThat(dashboardConfigMaps(docs)).isEmpty();
        assertThat((Object) get(one(docs, "Deployment"), "spec.replicas")).isEqualTo(2);
    }

    @Test
    void fullValuesRenderEveryOptionalObjectOnce() {
        List<Map<String, Object>> docs = render(t -> t.withValuesFile(FULL_VALUES));
        for (String kind : OPTIONAL_KINDS) {
            assertThat(ofKind(docs, kind)).as(kind).hasSize(1);
        }
        assertThat(dashboardConfigMaps(docs)).hasSize(1);
        // with an HPA the Deployment leaves replicas to it
        assertThat((Object) get(one(docs, "Deployment"), "spec.replicas")).isNull();
    }

    @Test
    void everyObjectCarriesTheStandardLabels() {
        for (Map<String, Object> doc : render(t -> t.withValuesFile(FULL_VALUES))) {
            Map<String, Object> labels = get(doc, "metadata.labels");
            assertThat(labels).as(kindAndName(doc)).containsEntry("app.kubernetes.io/name", "tiergate")
                    .containsEntry("app.kubernetes.io/instance", "tg")
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsKeys("app.kubernetes.io/version", "helm.sh/chart");
        }
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void noSecretValueAppearsInAnyConfigMapAndKeysComeFromTheSecret() {
        Map<String, Object> full = loadYaml(FULL_VALUES);
        Map<String, String> secretValues = get(full, "secret.values");
        List<Map<String, Object>> docs = render(t -> t.withValuesFile(FULL_VALUES));

        for (Map<String, Object> cm : ofKind(docs, "ConfigMap")) {
            Map<String, Object> data = get(cm, "data");
            String all = data.values().stream().map(String::valueOf).collect(Collectors.joining("\n"));
            for (String secret : secretValues.values()) {
                assertThat(all).as("%s must not contain a secret value", kindAndName(cm)).doesNotContain(secret);
            }
        }
        // the Secret holds them (base64), under the env var names
        Map<String, String> data = get(one(docs, "Secret"), "data");
        secretValues.forEach((k, v) -> assertThat(new String(Base64.getDecoder().decode(data.get(k)),
                StandardCharsets.UTF_8)).isEqualTo(v));

        // the container gets each as a secretKeyRef, never as a literal value
        Map<String, Object> container = container(docs);
        List<Map<String, Object>> env = get(container, "env");
        String literalValues = env.stream().map(e -> String.valueOf(e.get("value"))).collect(Collectors.joining("\n"));
        for (String key : List.of("INFURA_API_KEY", "ALCHEMY_API_KEY", "TIERGATE_ADMIN_TOKEN", "QUICKNODE_ENDPOINT")) {
            Map<String, Object> var = env.stream().filter(e -> key.equals(e.get("name"))).findFirst().orElseThrow();
            assertThat(var).doesNotContainKey("value");
            assertThat((Object) get(var, "valueFrom.secretKeyRef.name")).isEqualTo("tg-tiergate");
            assertThat((Object) get(var, "valueFrom.secretKeyRef.key")).isEqualTo(key);
            assertThat(literalValues).doesNotContain(secretValues.get(key));
        }
        // the app config reads the keys from those env vars
        String appYml = applicationYml(docs);
        assertThat(appYml).contains("api-key: ${INFURA_API_KEY:}", "api-key: ${ALCHEMY_API_KEY:}",
                "default: ${TIERGATE_ADMIN_TOKEN:}").doesNotContain("api-key-env");
    }

    @Test
    void existingSecretReplacesTheChartSecret() {
        List<Map<String, Object>> docs = render(t -> t.set("secret.existingSecret", "my-keys"));
        assertThat(ofKind(docs, "Secret")).isEmpty();
        List<Map<String, Object>> env = get(container(docs), "env");
        assertThat(env.stream().filter(e -> e.containsKey("valueFrom"))
                .map(e -> (Object) get(e, "valueFrom.secretKeyRef.name"))).isNotEmpty().allMatch("my-keys"::equals);
    }

    @Test
    void literalApiKeyInValuesIsRefused(@TempDir Path tmp) throws IOException {
        Path values = tmp.resolve("literal-key.yaml");
        Files.writeString(values, """
                tiergate:
                  networks:
                    ethereum:
                      tiers:
                        - name: cloud
                          providers:
                            - name: infura_primary
                              url: https://mainnet.infura.io/v3/{api-key}
                              api-key: abc
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(values)))
                .hasMessageContaining("tiergate.networks.ethereum.tiers[0].providers[0].api-key")
                .hasMessageContaining("do not put API keys in values");
    }

    @Test
    void clusterStoreReachesTheAppAndItsRedisPasswordComesFromTheExistingSecretOnce() {
        List<Map<String, Object>> docs = render(t -> t.withValuesFile(FULL_VALUES));
        Map<String, Object> appYml = new Yaml().load(applicationYml(docs));
        assertThat((Object) get(appYml, "tiergate.cluster.store")).isEqualTo("redis");
        assertThat((Object) get(appYml, "tiergate.cluster.redis.url")).isEqualTo("rediss://redis-master.data:6379");
        assertThat(applicationYml(docs)).doesNotContain("password");

        List<Map<String, Object>> env = get(container(docs), "env");
        List<Map<String, Object>> password = env.stream()
                .filter(e -> "TIERGATE_CLUSTER_REDIS_PASSWORD".equals(e.get("name"))).toList();
        assertThat(password).hasSize(1);
        assertThat((Object) get(password.get(0), "valueFrom.secretKeyRef.name")).isEqualTo("redis");
        assertThat((Object) get(password.get(0), "valueFrom.secretKeyRef.key")).isEqualTo("redis-password");
    }

    @Test
    void redisPasswordInValuesIsRefused(@TempDir Path tmp) throws IOException {
        Path inKey = tmp.resolve("password.yaml");
        Files.writeString(inKey, """
                tiergate:
                  cluster:
                    store: redis
                    redis:
                      url: redis://redis:6379
                      password: hunter2
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(inKey))).hasMessageContaining("password")
                .hasMessageContaining("Secret");
        Path inUrl = tmp.resolve("url.yaml");
        Files.writeString(inUrl, """
                tiergate:
                  cluster:
                    store: redis
                    redis:
                      url: redis://:hunter2@redis:6379
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(inUrl)))
                .hasMessageContaining("tiergate.cluster.redis.url must not carry credentials");
    }

    // ---------------------------------------------------------------- values.schema.json

    @Test
    void schemaRejectsAMisspeltKeyNamingIt(@TempDir Path tmp) throws IOException {
        Path values = tmp.resolve("misspelt.yaml");
        Files.writeString(values, """
                tiergate:
                  networks:
                    ethereum:
                      tiers:
                        - name: local
                          providers:
                            - name: erigon_local
                              url: http://erigon:8545
                              wieght: 100
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(values)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/tiergate/networks/ethereum/tiers/0/providers/0")
                .hasMessageContaining("wieght");
    }

    @Test
    void schemaRejectsAMisspeltNetworkKey(@TempDir Path tmp) throws IOException {
        Path values = tmp.resolve("misspelt-network.yaml");
        Files.writeString(values, """
                tiergate:
                  networks:
                    ethereum:
                      request_timeout: 10s
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(values)))
                .hasMessageContaining("/tiergate/networks/ethereum")
                .hasMessageContaining("request_timeout");
    }

    @Test
    void requestPathKeysPassTheSchemaAndReachTheRenderedConfiguration(@TempDir Path tmp) throws IOException {
        Path values = tmp.resolve("request-paths.yaml");
        Files.writeString(values, """
                tiergate:
                  networks:
                    ethereum:
                      broadcast: { mode: first-success, extra-providers: [erigon_local] }
                      hedge: { enabled: true, delay: 50ms, quantile: 0.9, max-in-flight: 4 }
                      cache: { enabled: true, max-size: 32MB, confirmations: 20 }
                      coalescing: { enabled: false }
                      local-answers: { enabled: false }
                      method-not-found-ttl: 5m
                      tiers:
                        - name: local
                          providers:
                            - name: erigon_local
                              url: http://erigon:8545
                              methods: { allow: ["trace_*", "eth_*"], deny: [eth_sendRawTransaction] }
                """);
        Map<String, Object> yml = new Yaml().load(applicationYml(render(t -> t.withValuesFile(values))));
        assertThat((Object) get(yml, "tiergate.networks.ethereum.broadcast.mode")).isEqualTo("first-success");
        assertThat((Object) get(yml, "tiergate.networks.ethereum.hedge.quantile")).isEqualTo(0.9);
        assertThat((Object) get(yml, "tiergate.networks.ethereum.method-not-found-ttl")).isEqualTo("5m");
        List<Map<String, Object>> tiers = get(yml, "tiergate.networks.ethereum.tiers");
        assertThat(tiers.get(0).toString()).contains("methods={allow=[trace_*, eth_*], deny=[eth_sendRawTransaction]}");

        Path wrong = tmp.resolve("wrong-mode.yaml");
        Files.writeString(wrong, """
                tiergate:
                  networks:
                    ethereum:
                      broadcast: { mode: everywhere }
                      hedge: { quantile: 1.5 }
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(wrong)))
                .hasMessageContaining("/tiergate/networks/ethereum/broadcast/mode")
                .hasMessageContaining("/tiergate/networks/ethereum/hedge/quantile");
    }

    @Test
    void websocketSettingsReachTheConfigAndAMisspeltOneIsRejected(@TempDir Path tmp) throws IOException {
        Path values = tmp.resolve("websocket.yaml");
        Files.writeString(values, """
                tiergate:
                  websocket:
                    outbound-buffer: 8MB
                    ping-interval: 20s
                """);
        Map<String, Object> app = new Yaml().load(applicationYml(render(t -> t.withValuesFile(values))));
        assertThat((Object) get(app, "tiergate.websocket.outbound-buffer")).isEqualTo("8MB");
        assertThat((Object) get(app, "tiergate.websocket.ping-interval")).isEqualTo("20s");

        Path misspelt = tmp.resolve("websocket-misspelt.yaml");
        Files.writeString(misspelt, """
                tiergate:
                  websocket:
                    outbound_buffer: 8MB
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(misspelt)))
                .hasMessageContaining("/tiergate/websocket")
                .hasMessageContaining("outbound_buffer");
    }

    @Test
    void schemaRejectsAMistypedValueNamingTheKey(@TempDir Path tmp) throws IOException {
        Path weight = tmp.resolve("mistyped-weight.yaml");
        Files.writeString(weight, """
                tiergate:
                  networks:
                    ethereum:
                      tiers:
                        - name: local
                          providers:
                            - name: erigon_local
                              url: http://erigon:8545
                              weight: heavy
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(weight)))
                .hasMessageContaining("/tiergate/networks/ethereum/tiers/0/providers/0/weight")
                .hasMessageContaining("integer");

        Path replicas = tmp.resolve("mistyped-replicas.yaml");
        Files.writeString(replicas, "replicaCount: two\n");
        assertThatThrownBy(() -> render(t -> t.withValuesFile(replicas)))
                .hasMessageContaining("/replicaCount")
                .hasMessageContaining("integer");

        Path strategy = tmp.resolve("bad-strategy.yaml");
        Files.writeString(strategy, """
                tiergate:
                  networks:
                    ethereum:
                      strategy: random
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(strategy)))
                .hasMessageContaining("/tiergate/networks/ethereum/strategy");
    }

    @Test
    void strictLintFailsOnAMisspeltKey(@TempDir Path tmp) throws IOException {
        Path copy = copyChart(tmp);
        Map<String, Object> values = loadYaml(CHART.resolve("values.yaml"));
        ((Map<String, Object>) values.get("image")).put("pullpolicy", "Always");
        Files.writeString(copy.resolve("values.yaml"), new Yaml().dump(values));
        LintResult result = new Helm(copy).lint().strict().call();
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("/image").contains("pullpolicy");
    }

    // ---------------------------------------------------------------- services and ports

    @Test
    void managementPortIsNeverOnTheRpcService() {
        List<Map<String, Object>> docs = render(t -> t.withValuesFile(FULL_VALUES));
        Map<String, Object> rpc = named(docs, "Service", "tg-tiergate");
        List<Map<String, Object>> ports = get(rpc, "spec.ports");
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0)).containsEntry("name", "rpc").containsEntry("port", 8080).containsEntry("targetPort", "rpc");

        Map<String, Object> mgmt = named(docs, "Service", "tg-tiergate-management");
        assertThat((Object) get(mgmt, "spec.type")).isEqualTo("ClusterIP");
        List<Map<String, Object>> mgmtPorts = get(mgmt, "spec.ports");
        assertThat(mgmtPorts).singleElement().satisfies(p -> assertThat(p).containsEntry("name", "management")
                .containsEntry("port", 8081).containsEntry("targetPort", "management"));

        List<Map<String, Object>> containerPorts = get(container(docs), "ports");
        assertThat(containerPorts.stream().map(p -> p.get("name") + ":" + p.get("containerPort")))
                .containsExactly("rpc:8080", "management:8081");
        // the Ingress points at the rpc port
        List<Map<String, Object>> rules = get(one(docs, "Ingress"), "spec.rules");
        List<Map<String, Object>> paths = get(rules.get(0), "http.paths");
        assertThat((Object) get(paths.get(0), "backend.service.port.name")).isEqualTo("rpc");
        assertThat((Object) get(paths.get(0), "backend.service.name")).isEqualTo("tg-tiergate");
    }

    // ---------------------------------------------------------------- deployment

    @Test
    void probesPointAtTheManagementPortHealthGroups() {
        Map<String, Object> c = container(render(t -> t));
        assertThat((Object) get(c, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat((Object) get(c, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat((Object) get(c, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat((Object) get(c, probe + ".httpGet.port")).as(probe).isEqualTo("management");
        }
    }

    @Test
    void resourcesSecurityContextAndGracefulShutdown() {
        List<Map<String, Object>> docs = render(t -> t);
        Map<String, Object> deployment = one(docs, "Deployment");
        Map<String, Object> c = container(docs);
        assertThat((Object) get(c, "resources.requests.cpu")).isNotNull();
        assertThat((Object) get(c, "resources.requests.memory")).isNotNull();
        assertThat((Object) get(c, "resources.limits.memory")).isNotNull();
        assertThat((Object) get(c, "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat((Object) get(c, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat((Object) get(c, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
        List<String> drop = get(c, "securityContext.capabilities.drop");
        assertThat(drop).containsExactly("ALL");
        assertThat((Object) get(deployment, "spec.template.spec.securityContext.runAsNonRoot")).isEqualTo(true);

        List<Map<String, Object>> mounts = get(c, "volumeMounts");
        String tmpVolume = mounts.stream().filter(m -> "/tmp".equals(m.get("mountPath")))
                .map(m -> (String) m.get("name")).findFirst().orElseThrow();
        List<Map<String, Object>> volumes = get(deployment, "spec.template.spec.volumes");
        assertThat(volumes).anySatisfy(v -> assertThat(v).containsEntry("name", tmpVolume).containsKey("emptyDir"));

        List<Map<String, Object>> env = get(c, "env");
        assertThat(env).anySatisfy(e -> assertThat(e).containsEntry("name", "JAVA_TOOL_OPTIONS")
                .hasEntrySatisfying("value", v -> assertThat((String) v).contains("-XX:MaxRAMPercentage=")));

        Map<String, Object> app = new Yaml().load(applicationYml(docs));
        assertThat((Object) get(app, "server.shutdown")).isEqualTo("graceful");
        int shutdownSeconds = Integer.parseInt(((String) get(app, "spring.lifecycle.timeout-per-shutdown-phase"))
                .replace("s", ""));
        List<String> preStop = get(c, "lifecycle.preStop.exec.command");
        assertThat(preStop.get(0)).isEqualTo("sleep");
        int sleepSeconds = Integer.parseInt(preStop.get(1));
        int grace = get(deployment, "spec.template.spec.terminationGracePeriodSeconds");
        assertThat(grace).isGreaterThan(sleepSeconds + shutdownSeconds);

        assertThatThrownBy(() -> render(t -> t.set("terminationGracePeriodSeconds", 25)))
                .hasMessageContaining("terminationGracePeriodSeconds");
    }

    /** Adding a JVM option (a heap dump, say) must not drop the young-generation proportions large answers need. */
    @Test
    void anExtraJvmOptionKeepsTheHeapProportions() {
        String options = javaToolOptions(render(t -> t.set("jvm.extraOptions", "-XX:+HeapDumpOnOutOfMemoryError")));
        assertThat(options).contains("-XX:MaxRAMPercentage=75", "-XX:NewRatio=1", "-XX:SurvivorRatio=4",
                "-XX:+HeapDumpOnOutOfMemoryError");
        assertThat(javaToolOptions(render(t -> t))).contains("-XX:NewRatio=1 -XX:SurvivorRatio=4 -XX:+ExitOnOutOfMemoryError");
    }

    private static String javaToolOptions(List<Map<String, Object>> docs) {
        List<Map<String, Object>> env = get(container(docs), "env");
        return env.stream().filter(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name"))).map(e -> (String) e.get("value"))
                .findFirst().orElseThrow();
    }

    @Test
    void configMapMirrorsTheValuesNetworks() {
        Map<String, Object> app = new Yaml().load(applicationYml(render(t -> t.withValuesFile(FULL_VALUES))));
        assertThat((Object) get(app, "server.port")).isEqualTo(8080);
        assertThat((Object) get(app, "management.server.port")).isEqualTo(8081);
        Map<String, Object> networks = get(app, "tiergate.networks");
        assertThat(networks).containsOnlyKeys("ethereum", "arbitrum");
        List<Map<String, Object>> tiers = get(networks, "ethereum.tiers");
        assertThat(tiers.stream().map(t -> t.get("name"))).containsExactly("local", "cloud", "public");
        assertThat((Object) get(app, "logging.level")).isNotNull();
    }

    @Test
    void checksumAnnotationChangesWithTheConfig(@TempDir Path tmp) throws IOException {
        String a = checksum(render(t -> t));
        String again = checksum(render(t -> t));
        String b = checksum(render(t -> t.set("tiergate.networks.ethereum.max-attempts", 3)));
        // one provider URL changed, everything else as in values.yaml
        Map<String, Object> values = loadYaml(CHART.resolve("values.yaml"));
        List<Map<String, Object>> tiers = get(values, "tiergate.networks.ethereum.tiers");
        List<Map<String, Object>> providers = (List<Map<String, Object>>) tiers.get(0).get("providers");
        providers.get(0).put("url", "http://erigon-2:8545");
        Path changed = tmp.resolve("changed.yaml");
        Files.writeString(changed, new Yaml().dump(values));
        String c = checksum(render(t -> t.withValuesFile(changed)));
        assertThat(a).isNotBlank().isEqualTo(again);
        assertThat(b).isNotEqualTo(a);
        assertThat(c).isNotEqualTo(a).isNotEqualTo(b);
    }

    // ---------------------------------------------------------------- monitoring

    @Test
    void serviceMonitorScrapesPrometheusWithTheAdminToken() {
        Map<String, Object> sm = one(render(t -> t.withValuesFile(FULL_VALUES)), "ServiceMonitor");
        assertThat((Object) get(sm, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        Map<String, Object> selector = get(sm, "spec.selector.matchLabels");
        assertThat(selector).containsEntry("app.kubernetes.io/component", "management");
        List<Map<String, Object>> endpoints = get(sm, "spec.endpoints");
        Map<String, Object> ep = endpoints.get(0);
        assertThat(ep).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
        assertThat((Object) get(ep, "authorization.type")).isEqualTo("Bearer");
        assertThat((Object) get(ep, "authorization.credentials.name")).isEqualTo("tg-tiergate");
        assertThat((Object) get(ep, "authorization.credentials.key")).isEqualTo("TIERGATE_ADMIN_TOKEN");

        assertThatThrownBy(() -> render(t -> t.set("serviceMonitor.enabled", true)))
                .hasMessageContaining("needs an admin token");
    }

    @Test
    void prometheusRuleShipsEveryAlertWithItsTemplatesIntact() {
        Map<String, Object> rule = one(render(t -> t.withValuesFile(FULL_VALUES)), "PrometheusRule");
        Map<String, Object> file = loadYaml(CHART.resolve("alerts/tiergate-rules.yaml"));
        assertThat(alertNames(get(rule, "spec"))).isNotEmpty().isEqualTo(alertNames(file))
                .contains("TiergateNetworkNotServing", "TiergateTier1NoUsableProvider");
        assertThat((Object) get(rule, "spec")).isEqualTo(file);
        assertThat(new Yaml().dump(get(rule, "spec"))).contains("{{ $labels.network }}");
    }

    @Test
    void dashboardConfigMapIsLabelledForTheGrafanaSidecar() throws IOException {
        List<Map<String, Object>> dashboards = dashboardConfigMaps(render(t -> t.withValuesFile(FULL_VALUES)));
        assertThat(dashboards).hasSize(1);
        Map<String, Object> cm = dashboards.get(0);
        assertThat((Map<String, Object>) get(cm, "metadata.labels")).containsEntry("grafana_dashboard", "1");
        String json = get(cm, "data.tiergate.json");
        assertThat(json.strip()).isEqualTo(Files.readString(CHART.resolve("dashboards/tiergate.json")).strip());
    }

    @Test
    void networkPolicyOpensManagementOnlyToChosenNamespaces() {
        Map<String, Object> np = one(render(t -> t.withValuesFile(FULL_VALUES)), "NetworkPolicy");
        List<Map<String, Object>> ingress = get(np, "spec.ingress");
        Map<String, Object> mgmt = ingress.stream()
                .filter(r -> ((List<Map<String, Object>>) r.get("ports")).stream().anyMatch(p -> "management".equals(p.get("port"))))
                .findFirst().orElseThrow();
        List<Map<String, Object>> from = get(mgmt, "from");
        assertThat(from.stream().map(f -> (Object) get(f, "namespaceSelector.matchLabels.kubernetes.io/metadata.name")))
                .containsExactly("monitoring", "ops");
        // no rule lets anyone else reach the management port
        assertThat(ingress.stream().filter(r -> r != mgmt)
                .flatMap(r -> ((List<Map<String, Object>>) r.get("ports")).stream()))
                .noneMatch(p -> "management".equals(p.get("port")) || Integer.valueOf(8081).equals(p.get("port")));
    }

    // ---------------------------------------------------------------- operator options (issue 20)

    @Test
    void replicasSpreadAcrossNodesByDefaultAndAffinityReplacesThePreset() {
        Map<String, Object> spec = get(one(render(t -> t), "Deployment"), "spec.template.spec");
        List<Map<String, Object>> preferred = get(spec,
                "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution");
        assertThat(preferred).hasSize(1);
        assertThat((Object) get(preferred.get(0), "podAffinityTerm.topologyKey")).isEqualTo("kubernetes.io/hostname");
        assertThat((Map<String, Object>) get(preferred.get(0), "podAffinityTerm.labelSelector.matchLabels"))
                .containsEntry("app.kubernetes.io/name", "tiergate").containsEntry("app.kubernetes.io/instance", "tg");

        Map<String, Object> hard = get(one(render(t -> t.set("podAntiAffinityPreset", "hard")), "Deployment"),
                "spec.template.spec");
        assertThat((List<Object>) get(hard, "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"))
                .hasSize(1);
        Map<String, Object> none = get(one(render(t -> t.set("podAntiAffinityPreset", "none")), "Deployment"),
                "spec.template.spec");
        assertThat(none).doesNotContainKey("affinity");
        Map<String, Object> own = get(one(render(t -> t.set("affinity.nodeAffinity.x", "y")), "Deployment"),
                "spec.template.spec");
        assertThat((Map<String, Object>) get(own, "affinity")).containsOnlyKeys("nodeAffinity");
    }

    @Test
    void existingConfigMapReplacesTheRenderedOne() {
        List<Map<String, Object>> docs = render(t -> t.set("existingConfigMap", "my-tiergate-config"));
        assertThat(ofKind(docs, "ConfigMap")).noneMatch(cm -> "tg-tiergate".equals(get(cm, "metadata.name")));
        Map<String, Object> deployment = one(docs, "Deployment");
        List<Map<String, Object>> volumes = get(deployment, "spec.template.spec.volumes");
        assertThat(volumes.stream().filter(v -> "config".equals(v.get("name"))).map(v -> (Object) get(v, "configMap.name")))
                .containsExactly("my-tiergate-config");
        assertThat((Map<String, Object>) get(deployment, "spec.template.metadata.annotations"))
                .doesNotContainKey("checksum/config");
    }

    @Test
    void envFromExtraVolumesSidecarsAndInitContainersReachThePod() {
        List<Map<String, Object>> docs = render(t -> t.withValuesFile(FULL_VALUES));
        Map<String, Object> spec = get(one(docs, "Deployment"), "spec.template.spec");
        Map<String, Object> tiergate = container(docs);
        assertThat((List<Map<String, Object>>) tiergate.get("envFrom"))
                .extracting(e -> (Object) get(e, "secretRef.name")).containsExactly("more-rpc-keys");
        assertThat((List<Map<String, Object>>) tiergate.get("volumeMounts")).extracting(m -> m.get("name"))
                .containsExactly("config", "tmp", "ca-bundle");
        assertThat((List<Map<String, Object>>) spec.get("volumes")).extracting(v -> v.get("name"))
                .containsExactly("config", "tmp", "ca-bundle");
        assertThat((List<Map<String, Object>>) spec.get("containers")).extracting(c -> c.get("name"))
                .containsExactly("tiergate", "log-shipper");
        assertThat((List<Map<String, Object>>) spec.get("initContainers")).extracting(c -> c.get("name"))
                .containsExactly("wait-for-redis");

        Map<String, Object> plain = get(one(render(t -> t), "Deployment"), "spec.template.spec");
        assertThat(plain).doesNotContainKey("initContainers");
        assertThat((List<Object>) plain.get("containers")).hasSize(1);
        assertThat((Map<String, Object>) ((List<Map<String, Object>>) plain.get("containers")).get(0))
                .doesNotContainKey("envFrom");
    }

    @Test
    void serviceMonitorCarriesRelabelings() {
        Map<String, Object> sm = one(render(t -> t.withValuesFile(FULL_VALUES)), "ServiceMonitor");
        Map<String, Object> ep = ((List<Map<String, Object>>) get(sm, "spec.endpoints")).get(0);
        assertThat((List<Map<String, Object>>) ep.get("relabelings")).extracting(r -> r.get("targetLabel"))
                .containsExactly("node");
        assertThat((List<Map<String, Object>>) ep.get("metricRelabelings")).extracting(r -> r.get("action"))
                .containsExactly("drop");
    }

    @Test
    void hpaTakesBehaviorAndCustomMetricsAndRefusesNoTarget() {
        Map<String, Object> hpa = one(render(t -> t.withValuesFile(FULL_VALUES)), "HorizontalPodAutoscaler");
        assertThat((List<Map<String, Object>>) get(hpa, "spec.metrics")).extracting(m -> m.get("type"))
                .containsExactly("Resource", "Pods");
        assertThat((Object) get(hpa, "spec.behavior.scaleDown.stabilizationWindowSeconds")).isEqualTo(300);

        Map<String, Object> cpuOnly = one(render(t -> t.set("autoscaling.enabled", true)), "HorizontalPodAutoscaler");
        assertThat((Map<String, Object>) get(cpuOnly, "spec")).doesNotContainKey("behavior");
        assertThat((List<Object>) get(cpuOnly, "spec.metrics")).hasSize(1);

        assertThatThrownBy(() -> render(t -> t.set("autoscaling.enabled", true)
                .set("autoscaling.targetCPUUtilizationPercentage", 0)))
                .hasMessageContaining("autoscaling.enabled needs a target");
    }

    @Test
    void networkPolicyRestrictsEgressToDnsAndTheListedRulesOnlyWhenAsked() {
        Map<String, Object> np = one(render(t -> t.withValuesFile(FULL_VALUES)), "NetworkPolicy");
        assertThat((List<Object>) get(np, "spec.policyTypes")).containsExactly("Ingress", "Egress");
        List<Map<String, Object>> egress = get(np, "spec.egress");
        assertThat(egress).hasSize(2);
        assertThat((List<Map<String, Object>>) egress.get(0).get("ports")).extracting(p -> p.get("port"))
                .containsOnly(53);
        assertThat((Object) get(((List<Map<String, Object>>) egress.get(1).get("to")).get(0), "ipBlock.cidr"))
                .isEqualTo("0.0.0.0/0");

        Map<String, Object> ingressOnly = one(render(t -> t.set("networkPolicy.enabled", true)), "NetworkPolicy");
        assertThat((List<Object>) get(ingressOnly, "spec.policyTypes")).containsExactly("Ingress");
        assertThat((Map<String, Object>) get(ingressOnly, "spec")).doesNotContainKey("egress");
    }

    @Test
    void helmTestPodChecksReadinessAndEthChainIdThroughTheServices(@TempDir Path tmp) throws IOException {
        // helm-java's template leaves hooks out (helm template shows them): render a copy without the hook line.
        Path template = Path.of("templates", "tests", "test-connection.yaml");
        assertThat(Files.readString(CHART.resolve(template))).contains("helm.sh/hook: test");
        Path copy = copyChart(tmp);
        Files.writeString(copy.resolve(template), Files.readString(copy.resolve(template))
                .replace("helm.sh/hook: test", "hook: test"));

        Map<String, Object> pod = one(renderChart(copy, t -> t), "Pod");
        Map<String, Object> curl = ((List<Map<String, Object>>) get(pod, "spec.containers")).get(0);
        String script = String.join("\n", (List<String>) curl.get("args"));
        assertThat(script).contains("http://tg-tiergate-management:8081/actuator/health/readiness",
                "\"method\":\"eth_chainId\"", "http://tg-tiergate:8080/", "grep -q '\"result\"'");
        assertThat((Object) get(curl, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(ofKind(renderChart(copy, t -> t.set("tests.enabled", false)), "Pod")).isEmpty();
    }

    @Test
    void chartReadmeDescribesEveryValue() throws IOException {
        String readme = Files.readString(CHART.resolve("README.md"));
        List<String> missing = new ArrayList<>();
        for (String key : valueKeys("", loadYaml(CHART.resolve("values.yaml")))) {
            if (!readme.contains("`" + key + "`")) {
                missing.add(key);
            }
        }
        assertThat(missing).as("values.yaml keys missing from helm/tiergate/README.md").isEmpty();
    }

    /** Leaf keys of values.yaml; below `tiergate` (the app's own keys, see application.yml.example) only the top. */
    static List<String> valueKeys(String prefix, Map<String, Object> values) {
        List<String> keys = new ArrayList<>();
        values.forEach((k, v) -> {
            String key = prefix + k;
            if (v instanceof Map<?, ?> m && !m.isEmpty() && !key.equals("tiergate")) {
                keys.addAll(valueKeys(key + ".", (Map<String, Object>) m));
            } else {
                keys.add(key);
            }
        });
        return keys;
    }

    // ---------------------------------------------------------------- helpers

    static List<Map<String, Object>> render(UnaryOperator<TemplateCommand> customize) {
        return renderChart(CHART, customize);
    }

    static List<Map<String, Object>> renderChart(Path chart, UnaryOperator<TemplateCommand> customize) {
        String out = customize.apply(new Helm(chart).template().withName("tg").withNamespace("tiergate")).call();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(out)) {
            if (doc instanceof Map<?, ?> map) {
                docs.add((Map<String, Object>) map);
            }
        }
        return docs;
    }

    static String kindAndName(Map<String, Object> doc) {
        return doc.get("kind") + "/" + get(doc, "metadata.name");
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    static Map<String, Object> one(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found = ofKind(docs, kind);
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    static Map<String, Object> named(List<Map<String, Object>> docs, String kind, String name) {
        return ofKind(docs, kind).stream().filter(d -> name.equals(get(d, "metadata.name"))).findFirst().orElseThrow();
    }

    static List<Map<String, Object>> dashboardConfigMaps(List<Map<String, Object>> docs) {
        return ofKind(docs, "ConfigMap").stream().filter(cm -> {
            Map<String, Object> labels = get(cm, "metadata.labels");
            return labels != null && labels.containsKey("grafana_dashboard");
        }).toList();
    }

    static Map<String, Object> container(List<Map<String, Object>> docs) {
        List<Map<String, Object>> containers = get(one(docs, "Deployment"), "spec.template.spec.containers");
        assertThat(containers).as("containers").isNotEmpty();
        assertThat((Object) containers.get(0).get("name")).as("tiergate comes first").isEqualTo("tiergate");
        return containers.get(0);
    }

    static String applicationYml(List<Map<String, Object>> docs) {
        return get(named(docs, "ConfigMap", "tg-tiergate"), "data.application.yml");
    }

    static String checksum(List<Map<String, Object>> docs) {
        return get(one(docs, "Deployment"), "spec.template.metadata.annotations.checksum/config");
    }

    static List<String> alertNames(Map<String, Object> rules) {
        List<Map<String, Object>> groups = (List<Map<String, Object>>) rules.get("groups");
        return groups.stream().flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream())
                .map(r -> (String) r.get("alert")).filter(a -> a != null).toList();
    }

    /**
     * Walks a dotted path through nested maps. Keys may contain dots (labels such as
     * app.kubernetes.io/name, data keys such as application.yml): the longest key that matches wins.
     */
    @SuppressWarnings("unchecked")
    static <T> T get(Map<String, Object> map, String path) {
        if (map == null) {
            return null;
        }
        if (map.containsKey(path)) {
            return (T) map.get(path);
        }
        String[] parts = path.split("\\.");
        for (int i = parts.length - 1; i >= 1; i--) {
            String key = String.join(".", java.util.Arrays.copyOfRange(parts, 0, i));
            if (map.containsKey(key) && map.get(key) instanceof Map<?, ?> child) {
                String rest = String.join(".", java.util.Arrays.copyOfRange(parts, i, parts.length));
                return get((Map<String, Object>) child, rest);
            }
        }
        return null;
    }

    static Map<String, Object> loadYaml(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        override.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && result.get(k) instanceof Map<?, ?> b) {
                result.put(k, deepMerge((Map<String, Object>) b, (Map<String, Object>) m));
            } else {
                result.put(k, v);
            }
        });
        return result;
    }

    static Path copyChart(Path tmp) throws IOException {
        Path target = tmp.resolve("tiergate");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return target;
    }
}
