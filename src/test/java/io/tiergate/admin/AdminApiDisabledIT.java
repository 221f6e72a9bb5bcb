package io.tiergate.admin;

import static io.tiergate.admin.AdminRequests.bearer;
import static io.tiergate.admin.AdminRequests.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.admin.AdminRequests.Reply;
import io.tiergate.admin.AdminRequests.Route;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * With no admin token configured (TIERGATE_ADMIN_TOKEN unset: the default token is empty) the admin API is
 * never open: every route answers 403 "admin API disabled: set TIERGATE_ADMIN_TOKEN", whatever is presented;
 * other actuator paths keep answering 401, health stays open.
 */
class AdminApiDisabledIT extends GatewayTest {

    static final String DISABLED = "{\"error\":\"admin API disabled: set TIERGATE_ADMIN_TOKEN\",\"detail\":null}";

    static final AnvilNode anvil = AnvilNode.start();

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("tiergate.admin.tokens.default", () -> "");
        TestNetwork.named("ethereum").tier("local", TestNetwork.provider("anvil_local", anvil.url())).register(registry);
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

    static Stream<Route> everyRoute() {
        return AdminRequests.everyRoute("ethereum", "local", "anvil_local").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRoute")
    void everyAdminRouteAnswers403AdminApiDisabled(Route route) {
        assertDisabled(send(management(), route, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRoute")
    void everyAdminRouteAnswers403EvenToABearerToken(Route route) {
        assertDisabled(send(management(), route, bearer("anything")));
        assertDisabled(send(management(), route, "Bearer "));
    }

    @Test
    void otherActuatorPathsStayClosedWith401AndHealthStaysOpen() {
        for (String path : List.of("/actuator", "/actuator/info", "/actuator/prometheus")) {
            Reply reply = send(management(), HttpMethod.GET, path, null, null, null);
            assertThat(reply.status()).as(path).isEqualTo(401);
            assertThat(reply.json().path("error").asString()).isEqualTo("unauthorized");
            assertThat(send(management(), HttpMethod.GET, path, null, bearer(""), null).status()).as(path).isEqualTo(401);
        }
        assertThat(send(management(), HttpMethod.GET, "/actuator/health/liveness", null, null, null).status())
                .isEqualTo(200);
    }

    @Test
    void jsonRpcPortServesAsUsual() {
        JsonRpcClient.Response response = rpc(request(1, "eth_chainId", "[]"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a69\"}");
        assertThat(response.header(HttpHeaders.WWW_AUTHENTICATE)).isNull();
        assertThat(send(AdminRequests.client(port), HttpMethod.GET, "/admin/networks", null, null, null).status())
                .isEqualTo(404);
    }

    private static void assertDisabled(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(403);
        assertThat(reply.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_JSON_VALUE);
        assertThat(reply.body()).isEqualTo(DISABLED);
        assertThat(reply.headers().get(HttpHeaders.SET_COOKIE)).isNull();
    }
}
