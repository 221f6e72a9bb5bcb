package io.tiergate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.Eventually;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Each phase of a client connection has a time limit (here a second or three instead of nginx-like tens of
 * seconds): a head that trickles in, a body that stalls, a connection left idle and a client that does not read its
 * answer are all closed, on both ports, while clients that are merely slow to come back are served.
 */
class SlowClientsIT extends GatewayTest {

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final String SMALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}";
    static final int BIG_BYTES = 20 << 20;
    static final String BIG = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x" + "ab".repeat(BIG_BYTES / 2) + "\"}";
    static final String CALL = request(1, "eth_blockNumber", "[]");

    static {
        wm.start();
        wm.stubFor(post(urlEqualTo("/small")).willReturn(json(SMALL)));
        wm.stubFor(post(urlEqualTo("/slow")).willReturn(json(SMALL).withFixedDelay(1_500)));
        wm.stubFor(post(urlEqualTo("/big")).willReturn(json(BIG)));
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum").set("request-timeout", "5s").set("timeout", "4s")
                .tier("cloud", TestNetwork.provider("wm_small", wm.baseUrl() + "/small")).register(registry);
        TestNetwork.named("slow").set("request-timeout", "5s").set("timeout", "4s")
                .tier("cloud", TestNetwork.provider("wm_slow", wm.baseUrl() + "/slow")).register(registry);
        TestNetwork.named("big").set("request-timeout", "20s").set("timeout", "20s")
                .tier("cloud", TestNetwork.provider("wm_big", wm.baseUrl() + "/big")).register(registry);
        registry.add("tiergate.server.header-timeout", () -> "1s");
        registry.add("tiergate.server.body-timeout", () -> "1s");
        registry.add("tiergate.server.idle-timeout", () -> "3s");
        registry.add("tiergate.server.write-timeout", () -> "1s");
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @Autowired
    MeterRegistry meters;

    @LocalManagementPort
    int managementPort;

    @Test
    void aHeadTricklingInIsClosedAfterTheHeaderTimeoutOnTheJsonRpcPort() throws Exception {
        assertSlowlorisClosed(port);
    }

    @Test
    void aHeadTricklingInIsClosedAfterTheHeaderTimeoutOnTheManagementPort() throws Exception {
        assertSlowlorisClosed(managementPort);
    }

    private void assertSlowlorisClosed(int target) throws Exception {
        double before = timeouts("header");
        try (RawClient client = new RawClient(target)) {
            client.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        Thread.sleep(200);
                        client.send("X");
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server hung up: what the test waits for
                }
            });
            trickle.start();
            assertThat(client.closedWithin(Duration.ofMillis(2_500))).as("closed before the idle timeout (3 s)").isTrue();
            trickle.join();
        }
        assertThat(timeouts("header")).isEqualTo(before + 1);
    }

    @Test
    void aStalledBodyGetsA408AndTheConnectionIsClosed() throws Exception {
        double before = timeouts("body");
        try (RawClient client = new RawClient(port)) {
            client.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                    + "{\"jsonrpc\":\"2.0\",");
            String answer = client.readAnswer(Duration.ofSeconds(5));
            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":-32600", "request body not received in time");
            assertThat(client.closedWithin(Duration.ofSeconds(2))).isTrue();
        }
        assertThat(timeouts("body")).isEqualTo(before + 1);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawClient client = new RawClient(port)) {
            assertThat(client.closedWithin(Duration.ofSeconds(6))).isTrue();
            assertThat(client.sinceOpened()).isBetween(Duration.ofMillis(2_500), Duration.ofSeconds(5));
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawClient client = new RawClient(port)) {
            assertThat(client.send(RawClient.post("/", CALL)).readAnswer(Duration.ofSeconds(5))).startsWith("HTTP/1.1 200");
            long answered = System.nanoTime();
            assertThat(client.closedWithin(Duration.ofSeconds(6))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - answered)).isBetween(Duration.ofMillis(2_500), Duration.ofSeconds(5));
        }
    }

    @Test
    void aKeptAliveConnectionInUseAndAnAnswerSlowerThanEveryClientLimitAreServed() throws Exception {
        try (RawClient client = new RawClient(port)) {
            // 6 requests 700 ms apart: 4 s on one connection, longer than the idle timeout, never idle for long
            for (int i = 0; i < 6; i++) {
                assertThat(client.send(RawClient.post("/", CALL)).readAnswer(Duration.ofSeconds(5))).startsWith("HTTP/1.1 200");
                Thread.sleep(700);
            }
            // the provider takes 1.5 s: longer than the header, body and write timeouts
            assertThat(client.send(RawClient.post("/slow", CALL)).readAnswer(Duration.ofSeconds(5)))
                    .startsWith("HTTP/1.1 200").endsWith("\"result\":\"0x1\"}");
        }
    }

    @Test
    void aBodyUploadedSlowlyButSteadilyIsServed() throws Exception {
        // 10 pieces 400 ms apart: 4 s in all, each pause shorter than the body timeout (1 s)
        String body = request(1, "eth_blockNumber", "[]") + " ".repeat(990);
        int piece = body.length() / 10;
        try (RawClient client = new RawClient(port)) {
            client.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n");
            for (int at = 0; at < body.length(); at += piece) {
                Thread.sleep(400);
                client.send(body.substring(at, Math.min(body.length(), at + piece)));
            }
            assertThat(client.readAnswer(Duration.ofSeconds(5))).startsWith("HTTP/1.1 200").endsWith("\"result\":\"0x1\"}");
        }
    }

    @Test
    void aClientThatDoesNotReadItsLargeAnswerIsDisconnectedWhileOneThatReadsGetsItAll() throws Exception {
        try (RawClient reader = new RawClient(port)) {
            String answer = reader.send(RawClient.post("/big", CALL)).readAnswer(Duration.ofSeconds(20));
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\"}").hasSizeGreaterThan(BIG_BYTES);
        }
        double before = timeouts("write");
        try (RawClient sleeper = new RawClient(port, 4096)) {
            sleeper.send(RawClient.post("/big", CALL));
            Eventually.await("the server gives up on a client that does not read", () -> timeouts("write") == before + 1,
                    Duration.ofSeconds(15));
            String got = sleeper.readAnswer(Duration.ofSeconds(5));
            assertThat(got.length()).isLessThan(BIG_BYTES);
        }
    }

    private double timeouts(String phase) {
        Counter counter = meters.find("tiergate.server.timeouts").tag("phase", phase).counter();
        return counter == null ? 0 : counter.count();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }
}
