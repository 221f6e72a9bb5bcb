package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.health.HealthProber;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.Eventually;
import io.tiergate.testsupport.FreePort;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A provider removed at run time leaves nothing behind: no meter, no probe schedule, no remembered socket
 * failure in the subscription hub. Nobody calls those by hand: each follows the registry's events.
 */
class RemovedProviderIT extends GatewayTest {

    private static final String TOKEN = "removal-test-token-0123456789";
    private static final int CLOSED_PORT = FreePort.next();
    static final AnvilNode node = AnvilNode.start(List.of("--block-time", "1"));

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        registry.add("tiergate.admin.tokens.ops", () -> TOKEN);
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("doomed", "http://127.0.0.1:" + CLOSED_PORT)
                        .set("ws-url", "ws://127.0.0.1:" + CLOSED_PORT))
                .tier("cloud", TestNetwork.provider("node", node.url()).set("ws-url", node.wsUrl()))
                .set("chain-id", "31337")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    SubscriptionHub hub;

    @Autowired
    HealthProber prober;

    @Autowired
    MeterRegistry meters;

    @Autowired
    NetworkRegistry registry;

    private List<Meter> metersOf(String provider) {
        return meters.getMeters().stream().filter(m -> provider.equals(m.getId().getTag("provider"))).toList();
    }

    @Test
    void aRemovedProviderLeavesNoMeterProbeOrHubEntry() {
        Provider doomed = registry.defaultNetwork().provider("doomed");
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/")) {
            String id = ws.subscribe("[\"newHeads\"]");
            assertThat(ws.notification(id, Duration.ofSeconds(20))).as("served by the node").isNotNull();
        }
        Eventually.await("the hub remembers doomed's failed socket", () -> hub.rememberedFailures() == 1);
        assertThat(metersOf("doomed")).isNotEmpty();
        assertThat(prober.scheduled()).contains(doomed);

        JsonRpcClient.Response removed = client.send("DELETE",
                "http://127.0.0.1:" + managementPort + "/admin/networks/ethereum/providers/doomed", null,
                Map.of("Authorization", "Bearer " + TOKEN));

        assertThat(removed.status()).as(removed.body()).isIn(200, 204);
        assertThat(metersOf("doomed")).as("its meters").isEmpty();
        assertThat(prober.scheduled()).as("its probe schedule").doesNotContain(doomed).hasSize(1);
        assertThat(hub.rememberedFailures()).as("its socket failure").isZero();
        assertThat(metersOf("node")).isNotEmpty();
    }
}
