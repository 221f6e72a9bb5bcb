package io.tiergate.testsupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * Base of integration tests: the whole application on a random port, with a clock the test
 * moves. Active health probes are off unless a test sets {@code test.health.enabled=true}: they would
 * add calls to fault injectors that tests count. Subclasses describe their providers in a {@code @DynamicPropertySource} with {@link TestNetwork}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0", "logging.level.io.tiergate=DEBUG", "server.shutdown=immediate", "spring.reactor.netty.shutdown-quiet-period=0s", "tiergate.health.enabled=${test.health.enabled:false}"})
@Import(TestClockConfiguration.class)
public abstract class GatewayTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected MutableClock clock;

    protected final JsonRpcClient client = new JsonRpcClient();

    protected String gatewayUrl() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** Posts a body to the default network. */
    protected JsonRpcClient.Response rpc(String body) {
        return client.post(gatewayUrl(), body);
    }

    protected static String request(Object id, String method, String paramsJson) {
        String idJson = id instanceof String s ? "\"" + s + "\"" : String.valueOf(id);
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}";
    }
}
