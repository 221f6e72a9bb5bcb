package io.tiergate.admin;

import static io.tiergate.admin.AdminRequests.bearer;
import static io.tiergate.admin.AdminRequests.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.admin.AdminRequests.Reply;
import io.tiergate.admin.AdminRequests.Route;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The admin API's web and security plumbing against the running gateway: bearer tokens by name on the
 * management port, JSON errors with the right status, health open, the JSON-RPC port without admin routes
 * and without any security. What the operations do (drain, weights, ...) is tested elsewhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminApiSecurityIT extends GatewayTest {

    static final String OPS_TOKEN = "ops-Q7v2xK9pL4mN8rT1wY6zB3cD5fG0hJ2s";
    static final String DEPLOY_TOKEN = "deploy-H5jK8mP2qR4tV7xZ9aC1eF3gI6kL0nO";
    static final String NETWORK = "ethereum";
    static final String TIER = "local";
    static final String PROVIDER = "anvil_local";

    static final AnvilNode anvil = AnvilNode.start();

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("tiergate.admin.tokens.ops", () -> OPS_TOKEN);
        registry.add("tiergate.admin.tokens.deploy", () -> DEPLOY_TOKEN);
        TestNetwork.named(NETWORK).tier(TIER, TestNetwork.provider(PROVIDER, anvil.url())).register(registry);
    }

    @AfterAll
    static void stop() {
        anvil.close();
    }

    @LocalManagementPort
    int managementPort;

    WebTestClient management() {
        return AdminRequests.client(managementPort);
    }

    WebTestClient jsonRpcPort() {
        return AdminRequests.client(port);
    }

    static Stream<Route> everyRoute() {
        return AdminRequests.everyRoute(NETWORK, TIER, PROVIDER).stream();
    }

    // --- credentials ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRoute")
    void everyAdminRouteWithoutATokenAnswers401WithAJsonError(Route route) {
        Reply reply = send(management(), route, null);

        assertUnauthorized(reply);
        assertThat(reply.json().path("detail").asString()).contains("Authorization: Bearer");
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRoute")
    void everyAdminRouteWithAWrongTokenAnswers401WithAJsonError(Route route) {
        Reply reply = send(management(), route, bearer("not-the-token"));

        assertUnauthorized(reply);
        assertThat(reply.json().path("detail").asString()).isEqualTo("invalid bearer token");
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).contains("invalid_token");
    }

    @Test
    void tokenThatSharesAPrefixWithAConfiguredTokenButDiffersInLengthIsRefused() {
        Route networks = new Route(HttpMethod.GET, "/admin/networks", null);
        List<String> nearMisses = List.of(
                OPS_TOKEN.substring(0, OPS_TOKEN.length() - 1),
                OPS_TOKEN + "0",
                OPS_TOKEN + OPS_TOKEN,
                OPS_TOKEN.substring(0, 4),
                OPS_TOKEN.toUpperCase());
        for (String token : nearMisses) {
            assertUnauthorized(send(management(), networks, bearer(token)));
        }
        assertThat(send(management(), networks, bearer(OPS_TOKEN)).status()).isEqualTo(200);
    }

    @Test
    void credentialsOtherThanABearerTokenAreRefused() {
        Route networks = new Route(HttpMethod.GET, "/admin/networks", null);
        String basic = "Basic " + Base64.getEncoder().encodeToString(("ops:" + OPS_TOKEN).getBytes());
        for (String authorization : List.of(basic, OPS_TOKEN, "Bearer", "Bearer ", "Token " + OPS_TOKEN)) {
            assertUnauthorized(send(management(), networks, authorization));
        }
    }

    @Test
    void eachConfiguredTokenOpensTheAdminApiAndIsRecordedAsTheCallerByItsName() {
        String weight = "/admin/networks/" + NETWORK + "/providers/" + PROVIDER + "/weight";
        for (String[] token : new String[][] {{"ops", OPS_TOKEN}, {"deploy", DEPLOY_TOKEN}}) {
            // curl -d sends application/x-www-form-urlencoded: the body is read as JSON whatever the content type.
            Reply changed = send(management(), HttpMethod.PUT, weight, "{\"weight\":40}", bearer(token[1]),
                    MediaType.APPLICATION_FORM_URLENCODED_VALUE);
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            assertThat(changed.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_JSON_VALUE);
            Reply restored = send(management(), HttpMethod.DELETE, weight, null, bearer(token[1]), null);
            assertThat(restored.status()).as(restored.body()).isEqualTo(200);

            Reply audit = send(management(), HttpMethod.GET, "/admin/audit?limit=2", null, bearer(token[1]), null);
            assertThat(audit.status()).as(audit.body()).isEqualTo(200);
            JsonNode entries = audit.json();
            assertThat(entries.size()).isEqualTo(2);
            entries.forEach(entry -> assertThat(entry.path("actor").asString()).isEqualTo(token[0]));
        }
    }

    @Test
    void noSessionCookieNoLoginPageAndNoCsrfTokenAreInvolved() {
        // A POST without any CSRF token reaches the operation (404 from it), and nothing sets a cookie or redirects.
        Reply drain = send(management(), HttpMethod.POST, "/admin/networks/" + NETWORK + "/providers/nope/drain",
                null, bearer(OPS_TOKEN), null);
        assertThat(drain.status()).isEqualTo(404);
        Reply refused = send(management(), HttpMethod.GET, "/admin/networks", null, null, null);
        Reply login = send(management(), HttpMethod.GET, "/login", null, null, null);
        for (Reply reply : List.of(drain, refused, login)) {
            assertThat(reply.headers().get(HttpHeaders.SET_COOKIE)).isNull();
            assertThat(reply.header(HttpHeaders.LOCATION)).isNull();
        }
        assertThat(login.status()).isEqualTo(401);
    }

    // --- errors ---

    @Test
    void unknownNetworkAndUnknownProviderAnswer404WithAJsonError() {
        List<Reply> replies = List.of(
                send(management(), HttpMethod.GET, "/admin/networks/nonet/providers", null, bearer(OPS_TOKEN), null),
                send(management(), HttpMethod.GET, "/admin/networks/nonet/providers/" + PROVIDER, null, bearer(OPS_TOKEN), null),
                send(management(), HttpMethod.GET, "/admin/networks/" + NETWORK + "/providers/noprov", null, bearer(OPS_TOKEN), null),
                send(management(), HttpMethod.POST, "/admin/networks/" + NETWORK + "/providers/noprov/reinstate", null,
                        bearer(OPS_TOKEN), null));
        for (Reply reply : replies) {
            assertJsonError(reply, 404);
        }
        assertThat(replies.get(0).json().path("error").asString()).contains("nonet");
        assertThat(replies.get(2).json().path("error").asString()).contains("noprov");
    }

    @Test
    void addingAProviderUnderANameThatExistsAnswers409WithAJsonError() {
        Reply reply = send(management(), HttpMethod.POST, "/admin/networks/" + NETWORK + "/providers",
                "{\"tier\":\"" + TIER + "\",\"name\":\"" + PROVIDER + "\",\"url\":\"http://127.0.0.1:9\"}",
                bearer(OPS_TOKEN), MediaType.APPLICATION_JSON_VALUE);

        assertJsonError(reply, 409);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"weight\":", "weight=40", "{\"weight\": 40,}", "{\"weight\": 40} trailing"})
    void malformedJsonBodyAnswers400WithAJsonError(String body) {
        Reply weight = send(management(), HttpMethod.PUT, "/admin/networks/" + NETWORK + "/providers/" + PROVIDER + "/weight",
                body, bearer(OPS_TOKEN), MediaType.APPLICATION_JSON_VALUE);
        Reply add = send(management(), HttpMethod.POST, "/admin/networks/" + NETWORK + "/providers",
                body, bearer(OPS_TOKEN), MediaType.APPLICATION_JSON_VALUE);

        assertJsonError(weight, 400);
        assertThat(weight.json().path("error").asString()).isEqualTo("malformed JSON body");
        assertJsonError(add, 400);
        assertThat(add.json().path("error").asString()).isEqualTo("malformed JSON body");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"weight\": \"40\"}", "{\"weight\": -1}", "{\"weight\": 1001}", "{\"weight\": 40.5}",
            "{\"weight\": null}", "{\"weight\": true}", "{\"weight\": [40]}", "{}", "[40]", "40", ""})
    void weightThatIsNotAWholeNumberFrom0To1000Answers400WithAJsonError(String body) {
        String weight = "/admin/networks/" + NETWORK + "/providers/" + PROVIDER + "/weight";
        Reply reply = send(management(), HttpMethod.PUT, weight, body.isEmpty() ? null : body, bearer(OPS_TOKEN),
                MediaType.APPLICATION_JSON_VALUE);

        assertJsonError(reply, 400);
        Reply provider = send(management(), HttpMethod.GET, weight.replace("/weight", ""), null, bearer(OPS_TOKEN), null);
        assertThat(provider.json().path("effectiveWeight").asInt()).as("weight unchanged").isEqualTo(100);
    }

    @Test
    void weightsAtTheEdgesOfTheRangeAreAccepted() {
        String weight = "/admin/networks/" + NETWORK + "/providers/" + PROVIDER + "/weight";
        try {
            for (String body : List.of("{\"weight\": 0}", "{\"weight\": 1000}", "{\"weight\": 40.0}")) {
                Reply reply = send(management(), HttpMethod.PUT, weight, body, bearer(OPS_TOKEN),
                        MediaType.APPLICATION_JSON_VALUE);
                assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(200);
            }
        } finally {
            send(management(), HttpMethod.DELETE, weight, null, bearer(OPS_TOKEN), null);
        }
    }

    @Test
    void pathOrMethodWithoutAnAdminEndpointAnswers404WithAJsonError() {
        String provider = "/admin/networks/" + NETWORK + "/providers/" + PROVIDER;
        assertJsonError(send(management(), HttpMethod.GET, "/admin/nothing-here", null, bearer(OPS_TOKEN), null), 404);
        assertJsonError(send(management(), HttpMethod.GET, provider + "/drain", null, bearer(OPS_TOKEN), null), 404);
        assertJsonError(send(management(), HttpMethod.PATCH, provider + "/weight", "{\"weight\":1}", bearer(OPS_TOKEN),
                MediaType.APPLICATION_JSON_VALUE), 404);
    }

    @Test
    void statusIsPlainTextAndAuditIsJson() {
        Reply status = send(management(), HttpMethod.GET, "/admin/status", null, bearer(OPS_TOKEN), null);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.TEXT_PLAIN_VALUE);
        assertThat(status.body()).contains(NETWORK).contains(PROVIDER);

        Reply audit = send(management(), HttpMethod.GET, "/admin/audit", null, bearer(OPS_TOKEN), null);
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.json().isArray()).isTrue();
        assertJsonError(send(management(), HttpMethod.GET, "/admin/audit?limit=ten", null, bearer(OPS_TOKEN), null), 400);
    }

    // --- the rest of the management port ---

    @Test
    void healthNeedsNoCredentials() {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/actuator/health/tiergate/" + NETWORK)) {
            Reply reply = send(management(), HttpMethod.GET, path, null, null, null);
            assertThat(reply.status()).as(path).isIn(200, 503);
            assertThat(reply.json().path("status").isString()).as(path + ": " + reply.body()).isTrue();
        }
        assertThat(send(management(), HttpMethod.GET, "/actuator/health/liveness", null, null, null).status()).isEqualTo(200);
    }

    @Test
    void everyOtherActuatorPathNeedsAToken() {
        assertUnauthorized(send(management(), HttpMethod.GET, "/actuator", null, null, null));
        assertUnauthorized(send(management(), HttpMethod.GET, "/actuator/info", null, null, null));
        assertUnauthorized(send(management(), HttpMethod.GET, "/actuator/prometheus", null, null, null));
        assertUnauthorized(send(management(), HttpMethod.GET, "/actuator", null, bearer("wrong"), null));

        Reply links = send(management(), HttpMethod.GET, "/actuator", null, bearer(OPS_TOKEN), null);
        assertThat(links.status()).isEqualTo(200);
        assertThat(links.json().path("_links").has("health")).isTrue();
    }

    @Test
    void managementPortDoesNotServeJsonRpcEvenWithAToken() {
        String call = request(1, "eth_chainId", "[]");
        assertUnauthorized(send(management(), HttpMethod.POST, "/", call, null, MediaType.APPLICATION_JSON_VALUE));
        Reply withToken = send(management(), HttpMethod.POST, "/", call, bearer(OPS_TOKEN), MediaType.APPLICATION_JSON_VALUE);
        assertJsonError(withToken, 403);
        assertThat(withToken.body()).doesNotContain("0x7a69");
    }

    // --- the JSON-RPC port ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRoute")
    void jsonRpcPortServesNoAdminRouteEvenWithAValidToken(Route route) {
        assertThat(send(jsonRpcPort(), route, null).status()).isEqualTo(404);
        assertThat(send(jsonRpcPort(), route, bearer(OPS_TOKEN)).status()).isEqualTo(404);
    }

    @Test
    void jsonRpcPortStaysOpenWithNoSecurityFilterAtAll() {
        String call = request(7, "eth_chainId", "[]");
        for (String authorization : new String[] {null, bearer("wrong"), "Basic Zm9vOmJhcg=="}) {
            Reply reply = send(jsonRpcPort(), HttpMethod.POST, "/", call, authorization, MediaType.APPLICATION_JSON_VALUE);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x7a69\"}");
            assertThat(reply.headers().get(HttpHeaders.WWW_AUTHENTICATE)).isNull();
            assertThat(reply.headers().get(HttpHeaders.SET_COOKIE)).isNull();
            // Headers Spring Security writes on every response it filters.
            assertThat(reply.headers().get("X-Content-Type-Options")).isNull();
            assertThat(reply.headers().get("X-Frame-Options")).isNull();
            assertThat(reply.headers().get(HttpHeaders.CACHE_CONTROL)).isNull();
        }
        assertThat(send(jsonRpcPort(), HttpMethod.GET, "/login", null, null, null).status()).isEqualTo(404);
        assertThat(send(jsonRpcPort(), HttpMethod.GET, "/actuator/health", null, null, null).status()).isEqualTo(404);
    }

    // --- secrecy ---

    @Test
    void noTokenValueAppearsInResponsesOrLogs(CapturedOutput output) {
        String wrong = "wrong-" + OPS_TOKEN.substring(4);
        List<Reply> replies = new ArrayList<>();
        for (String authorization : List.of(bearer(OPS_TOKEN), bearer(DEPLOY_TOKEN), bearer(wrong),
                bearer(OPS_TOKEN + "x"), "Basic " + OPS_TOKEN)) {
            for (Route route : AdminRequests.everyRoute("nonet", TIER, PROVIDER)) {
                replies.add(send(management(), route, authorization));
            }
            replies.add(send(management(), HttpMethod.GET, "/actuator", null, authorization, null));
        }
        for (Reply reply : replies) {
            String everything = reply.headers() + "\n" + reply.body();
            assertThat(everything).doesNotContain(OPS_TOKEN).doesNotContain(DEPLOY_TOKEN).doesNotContain(wrong);
        }
        assertThat(output.getAll()).doesNotContain(OPS_TOKEN).doesNotContain(DEPLOY_TOKEN).doesNotContain(wrong);
    }

    // --- helpers ---

    private static void assertUnauthorized(Reply reply) {
        assertJsonError(reply, 401);
        assertThat(reply.json().path("error").asString()).isEqualTo("unauthorized");
    }

    private static void assertJsonError(Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_JSON_VALUE);
        JsonNode body = reply.json();
        assertThat(body.isObject()).isTrue();
        assertThat(body.path("error").isString()).as(reply.body()).isTrue();
        assertThat(body.path("error").asString()).isNotBlank();
        assertThat(body.has("detail")).as(reply.body()).isTrue();
        assertThat(reply.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(reply.headers().get(HttpHeaders.SET_COOKIE)).isNull();
    }
}
