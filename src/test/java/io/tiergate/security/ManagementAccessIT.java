package io.tiergate.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.security.ManagementContextCapture.ManagementContext;
import io.tiergate.security.RawHttp.Reply;
import io.tiergate.security.ServedRoutes.Route;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who can reach what on the two ports, probed the way an attacker would (raw HTTP, odd methods, odd paths, odd
 * credentials). The admin routes are read from the router the management server really serves, not listed by
 * hand, and checked against docs/admin-api.md both ways: a route added later is covered here automatically, and
 * one served without documentation fails. Every route and every HTTP method refuses missing, wrong and
 * malformed credentials with the same 401 and nothing about the route; Actuator shows health and prometheus only;
 * the JSON-RPC port serves neither Actuator nor the admin API.
 */
@Import(ManagementContextCapture.class)
class ManagementAccessIT extends GatewayTest {

    static final String TOKEN = "mgmt-Tq84ZpX1vR7kL2wN9sB5cF3hJ6yD0aGm";
    static final String NETWORK = "ethereum";
    static final String TIER = "local";
    static final String PROVIDER = "anvil_local";
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Every method a request can carry to a handler; each must meet the same refusal. */
    static final List<String> ALL_METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

    /** Credentials that are missing, wrong or malformed: none may open anything. */
    static final List<List<String>> REFUSED_CREDENTIALS = List.of(
            List.of(),
            List.of("Authorization: Bearer wrong-token"),
            List.of("Authorization: Bearer " + TOKEN + "x"),
            List.of("Authorization: Bearer x" + TOKEN),
            List.of("Authorization: Bearer " + TOKEN.substring(0, TOKEN.length() - 1)),
            List.of("Authorization: Bearer " + TOKEN.toUpperCase()),
            List.of("Authorization: Bearer"),
            List.of("Authorization: Bearer "),
            List.of("Authorization: bearer"),
            List.of("Authorization: "),
            List.of("Authorization: " + TOKEN),
            List.of("Authorization: Token " + TOKEN),
            List.of("Authorization: Bearer\t" + TOKEN),
            List.of("Authorization: Bearer " + TOKEN + ", Bearer " + TOKEN),
            List.of("Authorization: Bearer " + TOKEN.substring(0, 10) + " " + TOKEN.substring(10)),
            List.of("Authorization: Basic " + Base64.getEncoder().encodeToString(("default:" + TOKEN).getBytes(StandardCharsets.UTF_8))),
            List.of("Authorization: Basic " + Base64.getEncoder().encodeToString((TOKEN + ":").getBytes(StandardCharsets.UTF_8))),
            List.of("Authorization: Digest username=\"default\", response=\"" + TOKEN + "\""),
            List.of("Authorization: Bearer t\u00f6k\u00e9n-" + TOKEN.substring(6)),
            List.of("Authorization: Bearer " + "A".repeat(4000)),
            List.of("X-Api-Key: " + TOKEN),
            List.of("X-Auth-Token: " + TOKEN),
            List.of("Cookie: token=" + TOKEN),
            List.of("Proxy-Authorization: Bearer " + TOKEN));

    /** Actuator endpoints that must not be reachable at all (the built-in ones, and those Spring Cloud or Resilience4j's Spring integration would add). */
    static final List<String> HIDDEN_ACTUATOR = List.of(
            "env", "env/spring.application.name", "configprops", "configprops/tiergate", "heapdump", "threaddump",
            "beans", "mappings", "loggers", "loggers/io.tiergate", "metrics", "metrics/jvm.memory.used", "shutdown",
            "conditions", "scheduledtasks", "caches", "httpexchanges", "auditevents", "startup", "sbom", "logfile",
            "info", "features", "refresh", "restart", "pause", "resume", "serviceregistry", "circuitbreakers",
            "circuitbreakerevents", "ratelimiters", "retries", "bulkheads", "timelimiters", "integrationgraph",
            "quartz", "flyway", "liquibase", "sessions", "jolokia", "gateway", "bindings", "channels");

    static final AnvilNode anvil = AnvilNode.start();

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("tiergate.admin.tokens.default", () -> TOKEN);
        TestNetwork.named(NETWORK).tier(TIER, TestNetwork.provider(PROVIDER, anvil.url())).register(registry);
    }

    @AfterAll
    static void stop() {
        anvil.close();
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    ManagementContext management;

    // --- the routes, from the code and from the documentation ---

    @Test
    void everyAdminRouteTheManagementPortServesIsDocumentedAndEveryDocumentedRouteIsServed() throws IOException {
        Set<String> served = new TreeSet<>();
        for (Route route : adminRoutes()) {
            served.add(route.toString());
        }
        assertThat(served).as("admin routes served (read from the router) vs. docs/admin-api.md")
                .isEqualTo(documentedAdminRoutes());
        assertThat(served).hasSizeGreaterThanOrEqualTo(11);
    }

    @Test
    void aValidTokenReachesEveryAdminReadRouteSoTheRefusalsBelowAreAboutCredentialsNotPaths() {
        for (Route route : adminRoutes()) {
            if (route.method() == HttpMethod.GET) {
                Reply reply = RawHttp.send(managementPort, "GET", path(route), null, bearer(TOKEN));
                assertThat(reply.status()).as(route + ": " + reply.body()).isEqualTo(200);
            }
        }
    }

    // --- credentials ---

    @Test
    void everyRouteOnTheManagementPortAnswersEveryMethodWithoutCredentialsWithTheSameBare401() {
        List<String> paths = new ArrayList<>(managementPaths());
        // Names that do not exist get the same answer: a caller without a token learns nothing, not even what exists.
        paths.add("/admin/networks/nonet/providers/noprov");
        paths.add("/admin/nothing-here");
        paths.add("/admin");
        paths.add("/");
        paths.add("/login");
        paths.add("/logout");
        paths.add("/error");
        paths.add("/actuator");
        SoftAssertions soft = new SoftAssertions();
        String firstBody = null;
        for (String path : paths) {
            for (String method : ALL_METHODS) {
                Reply reply = RawHttp.send(managementPort, method, path, bodyFor(method));
                soft.assertThat(reply.status()).as(method + " " + path + ": " + reply).isEqualTo(401);
                soft.assertThat(reply.header("WWW-Authenticate")).as(method + " " + path).isEqualTo("Bearer realm=\"tiergate-admin\"");
                soft.assertThat(reply.header("Set-Cookie")).as(method + " " + path).isNull();
                soft.assertThat(reply.header("Location")).as(method + " " + path).isNull();
                soft.assertThat(reply.header("Allow")).as(method + " " + path).isNull();
                if (!"HEAD".equals(method)) {
                    firstBody = firstBody == null ? reply.body() : firstBody;
                    soft.assertThat(reply.body()).as(method + " " + path).isEqualTo(firstBody);
                }
            }
        }
        soft.assertThat(firstBody).isEqualTo(
                "{\"error\":\"unauthorized\",\"detail\":\"missing credentials: send Authorization: Bearer <token>\"}");
        // TRACE never gets that far: the web layer refuses it with an empty 400, token or not.
        for (String path : paths) {
            for (List<String> credentials : List.of(List.<String>of(), List.of(bearer(TOKEN)))) {
                Reply trace = RawHttp.send(managementPort, "TRACE", path, null, credentials);
                soft.assertThat(trace.status()).as("TRACE " + path + ": " + trace).isEqualTo(400);
                soft.assertThat(trace.body()).as("TRACE " + path).isEmpty();
            }
        }
        soft.assertAll();
    }

    @Test
    void everyRouteOnTheManagementPortRefusesWrongAndMalformedCredentialsWithA401ThatSaysNothingMore() {
        SoftAssertions soft = new SoftAssertions();
        int checked = 0;
        for (Route route : managementRoutes()) {
            String path = path(route);
            // Each route's own method: the other methods met the same refusal above, without credentials.
            List<String> methods = route.method() == null ? List.of("GET", "POST") : List.of(route.method().name());
            for (String method : methods) {
                for (List<String> credentials : REFUSED_CREDENTIALS) {
                    Reply reply = RawHttp.send(managementPort, method, path, bodyFor(method), credentials);
                    String what = method + " " + path + " with " + credentials;
                    soft.assertThat(reply.status()).as(what + ": " + reply).isEqualTo(401);
                    soft.assertThat(reply.body()).as(what).isIn(
                            "{\"error\":\"unauthorized\",\"detail\":\"missing credentials: send Authorization: Bearer <token>\"}",
                            "{\"error\":\"unauthorized\",\"detail\":\"invalid bearer token\"}");
                    soft.assertThat(reply.everything()).as(what).doesNotContain(TOKEN).doesNotContain(PROVIDER)
                            .doesNotContain("anvil").doesNotContain("127.0.0.1:" + anvil.port());
                    checked++;
                }
            }
        }
        soft.assertAll();
        assertThat(checked).isGreaterThan(250);
        // The one difference: a route changed nothing, so each provider still has its configured weight and state.
        Reply provider = RawHttp.send(managementPort, "GET", "/admin/networks/" + NETWORK + "/providers/" + PROVIDER,
                null, bearer(TOKEN));
        JsonNode view = JSON.readTree(provider.body());
        assertThat(view.path("adminState").asString()).isEqualTo("ACTIVE");
        assertThat(view.path("effectiveWeight").asInt()).isEqualTo(100);
        Reply audit = RawHttp.send(managementPort, "GET", "/admin/audit", null, bearer(TOKEN));
        assertThat(JSON.readTree(audit.body()).size()).as("no change was audited: " + audit.body()).isZero();
    }

    @Test
    void pathTricksReachNeitherTheAdminApiNorHiddenActuatorEndpointsWithoutCredentials() {
        List<String> tricks = List.of(
                "//admin/networks", "/admin//networks", "/admin/networks/", "/ADMIN/networks", "/Admin/networks",
                "/%61dmin/networks", "/admin%2Fnetworks", "/admin;x=1/networks", "/admin/./networks",
                "/admin/networks;.css", "/admin/networks%00", "/admin/networks?x=/actuator/health",
                "/actuator/health/../../admin/networks", "/actuator/health/..%2F..%2Fadmin/networks",
                "/actuator/health/%2e%2e/%2e%2e/admin/networks", "/actuator/health;/../../admin/networks",
                "/actuator/health/../env", "/actuator/health/..%2fenv", "/actuator/health/%2e%2e/env",
                "/actuator/health;/../env", "/actuator/health/../prometheus", "/actuator/health%2f..%2fprometheus",
                "/actuator/./health/../prometheus", "/actuator/prometheus;/../health", "/actuator//prometheus",
                "/actuator/PROMETHEUS", "/ACTUATOR/env", "/actuator/env;", "/actuator/health/tiergate/../../env",
                "/actuator/prometheus/../env", "/actuator/health/..;/env");
        SoftAssertions soft = new SoftAssertions();
        for (String path : tricks) {
            Reply reply = RawHttp.send(managementPort, "GET", path, null);
            soft.assertThat(reply.status()).as(path + ": " + reply).isIn(400, 401, 404);
            soft.assertThat(reply.body()).as(path).doesNotContain(PROVIDER).doesNotContain("tiergate_")
                    .doesNotContain("\"tiers\"").doesNotContain("propertySources").doesNotContain("activeProfiles");
        }
        soft.assertAll();
    }

    // --- Actuator ---

    @Test
    void actuatorListsOnlyHealthAndPrometheusEvenToAnAdmin() {
        Reply links = RawHttp.send(managementPort, "GET", "/actuator", null, bearer(TOKEN));
        assertThat(links.status()).isEqualTo(200);
        Set<String> names = new LinkedHashSet<>();
        JSON.readTree(links.body()).path("_links").propertyNames().forEach(names::add);
        assertThat(names).contains("health", "prometheus").isSubsetOf("self", "health", "health-path", "prometheus", "info");

        assertThat(RawHttp.send(managementPort, "GET", "/actuator/prometheus", null, bearer(TOKEN)).status()).isEqualTo(200);
        assertThat(RawHttp.send(managementPort, "GET", "/actuator/health", null).status()).isIn(200, 503);
    }

    @Test
    void hiddenActuatorEndpointsAreUnreachableOnTheManagementPortWithOrWithoutCredentials() {
        SoftAssertions soft = new SoftAssertions();
        for (String endpoint : HIDDEN_ACTUATOR) {
            String path = "/actuator/" + endpoint;
            for (String method : List.of("GET", "POST")) {
                Reply anonymous = RawHttp.send(managementPort, method, path, bodyFor(method));
                soft.assertThat(anonymous.status()).as("anonymous " + method + " " + path + ": " + anonymous).isEqualTo(401);
                Reply admin = RawHttp.send(managementPort, method, path, bodyFor(method), bearer(TOKEN));
                // Authenticated but no such endpoint: refused the same way as any path the port does not serve.
                soft.assertThat(admin.status()).as("admin " + method + " " + path + ": " + admin).isEqualTo(403);
                soft.assertThat(admin.body()).as("admin " + method + " " + path).isEqualTo(
                        "{\"error\":\"forbidden\",\"detail\":\"the management port serves only /admin and actuator endpoints\"}");
                soft.assertThat(admin.body()).as("admin " + method + " " + path)
                        .doesNotContain("propertySources").doesNotContain("contexts").doesNotContain("threads")
                        .doesNotContain("loggers").doesNotContain("names").doesNotContain(TOKEN);
            }
        }
        soft.assertAll();
        // The shutdown endpoint did not stop anything.
        assertThat(rpc(request(1, "eth_chainId", "[]")).status()).isEqualTo(200);
        // Nor did a loggers POST change a level: io.tiergate still logs at DEBUG as configured.
        assertThat(org.slf4j.LoggerFactory.getLogger("io.tiergate").isDebugEnabled()).isTrue();
    }

    @Test
    void theJsonRpcPortServesNoActuatorEndpointAndNoAdminRouteWithOrWithoutCredentials() {
        List<String> paths = new ArrayList<>();
        paths.add("/actuator");
        paths.add("/actuator/health");
        paths.add("/actuator/health/liveness");
        paths.add("/actuator/health/tiergate/" + NETWORK);
        paths.add("/actuator/prometheus");
        HIDDEN_ACTUATOR.forEach(e -> paths.add("/actuator/" + e));
        adminRoutes().forEach(r -> paths.add(path(r)));
        paths.add("/admin");
        SoftAssertions soft = new SoftAssertions();
        for (String path : new LinkedHashSet<>(paths)) {
            for (String method : List.of("GET", "POST")) {
                for (List<String> credentials : List.of(List.<String>of(), List.of("Authorization: Bearer " + TOKEN))) {
                    Reply reply = RawHttp.send(port, method, path, bodyFor(method), credentials);
                    String what = method + " " + path + (credentials.isEmpty() ? "" : " with the admin token");
                    soft.assertThat(reply.status()).as(what + ": " + reply).isIn(404, 405);
                    soft.assertThat(reply.body()).as(what).doesNotContain("\"status\":\"").doesNotContain("tiergate_")
                            .doesNotContain("\"tiers\"").doesNotContain("_links").doesNotContain("adminState")
                            .doesNotContain("\"actor\"").doesNotContain("127.0.0.1:" + anvil.port());
                }
            }
        }
        soft.assertAll();
    }

    // --- helpers ---

    private List<Route> adminRoutes() {
        return ServedRoutes.of(management.servedRoutes()).stream()
                .filter(r -> r.pattern().startsWith("/admin"))
                .toList();
    }

    /** Everything the management server's router serves (admin API and the parent's JSON-RPC routes it sees). */
    private List<Route> managementRoutes() {
        List<Route> routes = ServedRoutes.of(management.servedRoutes());
        assertThat(routes).as("routes found in the management server's router").isNotEmpty();
        return routes;
    }

    private List<String> managementPaths() {
        Set<String> paths = new LinkedHashSet<>();
        managementRoutes().forEach(r -> paths.add(path(r)));
        return new ArrayList<>(paths);
    }

    private static String path(Route route) {
        return route.path(Map.of("network", NETWORK, "name", PROVIDER));
    }

    private static String bodyFor(String method) {
        return switch (method) {
            case "POST", "PUT", "PATCH" -> "{\"weight\":0,\"tier\":\"" + TIER + "\",\"name\":\"intruder\",\"url\":\"http://127.0.0.1:9\"}";
            default -> null;
        };
    }

    private static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    /** "METHOD /path" of every endpoint heading in docs/admin-api.md ("`DELETE` on the same path" included). */
    private static Set<String> documentedAdminRoutes() throws IOException {
        Pattern endpoint = Pattern.compile("`(GET|POST|PUT|DELETE|PATCH) (/admin[^`]*)`|`(GET|POST|PUT|DELETE|PATCH)` on the same path");
        Set<String> routes = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("docs/admin-api.md"))) {
            if (!line.startsWith("### ")) {
                continue;
            }
            String last = null;
            Matcher m = endpoint.matcher(line);
            while (m.find()) {
                if (m.group(1) != null) {
                    last = m.group(2);
                    routes.add(m.group(1) + " " + last);
                } else {
                    routes.add(m.group(3) + " " + last);
                }
            }
        }
        return routes;
    }
}
