package io.tiergate.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
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
 * Looking changes nothing: with a provider's breaker OPEN and its open-duration passed, reading every gauge,
 * health endpoint and admin view 1,000 times leaves the breaker OPEN (before, each read asked the breaker for a
 * permit, which moved it to HALF_OPEN); the next request's trial call is what moves it.
 */
class ReadOnlyViewsIT extends GatewayTest {

    private static final String TOKEN = "views-test-token-0123456789";
    static final AnvilNode local = AnvilNode.start();
    static final AnvilNode cloud = AnvilNode.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tiergate.admin.tokens.ops", () -> TOKEN);
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("local_1", local.url()))
                .tier("cloud", TestNetwork.provider("cloud_1", cloud.url()))
                .set("chain-id", "31337")
                .set("circuit-breaker.open-duration", "60s")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        local.close();
        cloud.close();
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    NetworkRegistry registry;

    @Test
    void readingEveryViewAThousandTimesLeavesAnOpenBreakerOpen() {
        Provider p = registry.defaultNetwork().provider("local_1");
        p.breaker().transitionToOpenState();
        clock.advance(Duration.ofSeconds(61));
        String base = "http://127.0.0.1:" + managementPort;
        List<String> views = List.of("/actuator/health", "/actuator/health/readiness",
                "/actuator/health/tiergate/ethereum/local", "/actuator/prometheus", "/admin/status",
                "/admin/networks/ethereum/providers/local_1", "/admin/networks");
        Map<String, String> auth = Map.of("Authorization", "Bearer " + TOKEN);
        for (int i = 0; i < 1000; i++) {
            String view = views.get(i % views.size());
            assertThat(client.send("GET", base + view, null, auth).status()).as(view).isIn(200, 503);
        }

        assertThat(p.breaker().getState()).as("1,000 reads later").isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(rpc(request(1, "eth_blockNumber", "[]")).header("X-Tiergate-Provider"))
                .as("the trial call is a request's").isEqualTo("local_1");
        assertThat(p.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
