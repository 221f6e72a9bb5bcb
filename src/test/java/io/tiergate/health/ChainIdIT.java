package io.tiergate.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Chain-id verification on real nodes: an anvil started with {@code --chain-id 5} in a network whose
 * chain-id is 31337 becomes MISCONFIGURED at start-up, is never selected, and is reported by exactly one
 * ERROR line naming the expected and the actual chain, however often it is probed again. It comes back
 * only when a probe finds the right chain.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChainIdIT extends GatewayTest {

    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration ROUND = Duration.ofSeconds(6);
    private static final String MISMATCH = "expected chain id 31337, got 5";

    static final AnvilNode right = AnvilNode.start();
    static final AnvilNode wrong = AnvilNode.start(5);

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("test.health.enabled", () -> "true");
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("right_1", right.url()),
                        TestNetwork.provider("wrong_1", wrong.url()).weight(1000))
                .set("chain-id", "31337")
                // eth_chainId shows which provider served (and that none on the wrong chain did): from a provider,
                // not answered by tiergate from the verified chain id.
                .set("local-answers.enabled", "false")
                .set("health-check-interval", INTERVAL.toSeconds() + "s")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        right.close();
        wrong.close();
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    NetworkRegistry registry;

    private HealthEndpoints health;

    @BeforeEach
    void endpoints() {
        health = new HealthEndpoints(managementPort);
    }

    @Test
    @Order(1)
    void nodeOnAnotherChainIsMisconfiguredNeverSelectedAndLoggedOnceAsAnError(CapturedOutput output) {
        health.awaitState("local", "wrong_1", "MISCONFIGURED");
        health.awaitState("local", "right_1", "UP");
        JsonNode details = health.provider("local", "wrong_1");
        assertThat(details.path("usable").asBoolean()).isFalse();
        assertThat(details.path("reason").asString()).isEqualTo("on the wrong chain");
        assertThat(health.tier("local").status()).as("right_1 still serves").isEqualTo(200);

        assertNeverSelected();

        // Later probes find the same wrong chain: still MISCONFIGURED, and no second ERROR line.
        Provider misconfigured = registry.defaultNetwork().provider("wrong_1");
        for (int round = 0; round < 3; round++) {
            clock.advance(ROUND);
            long probeTime = clock.millis();
            HealthEndpoints.await("wrong_1 is probed again", () -> misconfigured.health().headMillis() == probeTime,
                    () -> health.provider("local", "wrong_1").toString());
            assertThat(health.state("local", "wrong_1")).isEqualTo("MISCONFIGURED");
        }
        assertNeverSelected();

        List<String> errors = output.getAll().lines()
                .filter(line -> line.contains(" ERROR ") && (line.contains("wrong_1") || line.contains("chain id")))
                .toList();
        assertThat(errors).as("ERROR lines").hasSize(1);
        assertThat(errors.get(0)).contains("wrong_1").contains(MISMATCH).contains("MISCONFIGURED");
        assertThat(output.getAll()).as("the start-up probe was captured").contains("Started ChainIdIT");
    }

    @Test
    @Order(2)
    void misconfiguredNodeComesBackOnlyWhenAProbeFindsTheRightChain() {
        health.awaitState("local", "wrong_1", "MISCONFIGURED");
        String answer = wrong.call("anvil_setChainId", "[31337]");
        assertThat(answer).doesNotContain("\"error\"");

        clock.advance(ROUND);
        health.awaitState("local", "wrong_1", "UP");
        assertThat(health.provider("local", "wrong_1").path("usable").asBoolean()).isTrue();

        Map<String, Integer> byProvider = servedBy(20);
        assertThat(byProvider).as("wrong_1 (weight 1000) serves again").containsKey("wrong_1");
    }

    private void assertNeverSelected() {
        Map<String, Integer> byProvider = servedBy(30);
        assertThat(byProvider).as("providers that served").containsOnlyKeys("right_1");
    }

    private Map<String, Integer> servedBy(int requests) {
        Map<String, Integer> byProvider = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            JsonRpcClient.Response response = rpc(request(i, "eth_chainId", "[]"));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).as("the client only ever sees chain 31337").contains("\"result\":\"0x7a69\"");
            byProvider.merge(response.header("X-Tiergate-Provider"), 1, Integer::sum);
        }
        return byProvider;
    }
}
