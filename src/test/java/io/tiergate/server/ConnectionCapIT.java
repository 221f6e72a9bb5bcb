package io.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.Eventually;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The JSON-RPC port holds at most tiergate.server.max-connections (5 here): at the cap an idle kept-alive
 * connection makes room for a new one; without one, the new connection is closed at once and counted. The
 * management port is not capped, and a slot freed is usable again.
 */
class ConnectionCapIT extends GatewayTest {

    static final AnvilNode anvil = AnvilNode.start();
    static final String TOKEN = "cap-test-token-0123456789";

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum").tier("local", TestNetwork.provider("anvil_local", anvil.url())).register(registry);
        registry.add("tiergate.server.max-connections", () -> "5");
        // kept-alive connections of the test's HTTP client from an earlier test close soon
        registry.add("tiergate.server.idle-timeout", () -> "4s");
        registry.add("tiergate.admin.tokens.test", () -> TOKEN);
    }

    @AfterAll
    static void stop() {
        anvil.close();
    }

    @Autowired
    MeterRegistry meters;

    @LocalManagementPort
    int managementPort;

    @Test
    void aConnectionPastTheCapIsClosedAndCountedUntilASlotIsFree() throws Exception {
        Eventually.await("connections of earlier tests closed", () -> open() == 0);
        List<RawClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                held.add(new RawClient(port));
            }
            Eventually.await("five connections open", () -> open() == 5);
            double refusedBefore = refused();

            try (RawClient sixth = new RawClient(port)) {
                assertThat(sixth.closedWithin(Duration.ofSeconds(2))).isTrue();
            }
            assertThat(refused()).isEqualTo(refusedBefore + 1);
            assertThat(open()).isEqualTo(5);
            try (RawClient management = new RawClient(managementPort)) {
                assertThat(management.send("GET /actuator/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .readAnswer(Duration.ofSeconds(5))).startsWith("HTTP/1.1 200");
            }

            held.remove(0).close();
            Eventually.await("a slot freed", () -> open() == 4);
            try (RawClient next = new RawClient(port)) {
                assertThat(next.send(RawClient.post("/", request(1, "eth_chainId", "[]"))).readAnswer(Duration.ofSeconds(5)))
                        .startsWith("HTTP/1.1 200");
            }
        } finally {
            for (RawClient client : held) {
                client.close();
            }
        }
    }

    @Test
    void atTheCapAnIdleKeptAliveConnectionIsClosedToMakeRoom() throws Exception {
        Eventually.await("connections of earlier tests closed", () -> open() == 0);
        List<RawClient> held = new ArrayList<>();
        try (RawClient keptAlive = new RawClient(port)) {
            assertThat(keptAlive.send(RawClient.post("/", request(1, "eth_chainId", "[]"))).readAnswer(Duration.ofSeconds(5)))
                    .startsWith("HTTP/1.1 200");
            for (int i = 0; i < 4; i++) {
                held.add(new RawClient(port));
            }
            Eventually.await("five connections open", () -> open() == 5);
            double closedBefore = idleClosed();

            try (RawClient newcomer = new RawClient(port)) {
                assertThat(newcomer.send(RawClient.post("/", request(2, "eth_chainId", "[]"))).readAnswer(Duration.ofSeconds(5)))
                        .startsWith("HTTP/1.1 200");
            }
            assertThat(keptAlive.closedWithin(Duration.ofSeconds(2))).isTrue();
            assertThat(idleClosed()).isEqualTo(closedBefore + 1);
        } finally {
            for (RawClient client : held) {
                client.close();
            }
        }
    }

    @Test
    void theCapAndTheOpenConnectionsAreExported() {
        assertThat(meters.get("tiergate.server.connections.max").gauge().value()).isEqualTo(5);
        assertThat(rpc(request(1, "eth_chainId", "[]")).status()).isEqualTo(200);
        assertThat(client.send("GET", "http://127.0.0.1:" + managementPort + "/actuator/prometheus", null, java.util.Map.of("Authorization", "Bearer " + TOKEN))
                .body()).contains("tiergate_server_connections_open", "tiergate_server_connections_refused_total");
    }

    private double open() {
        return meters.get("tiergate.server.connections.open").gauge().value();
    }

    private double idleClosed() {
        return meters.get("tiergate.server.connections.idle.closed").counter().count();
    }

    private double refused() {
        return meters.get("tiergate.server.connections.refused").counter().count();
    }
}
