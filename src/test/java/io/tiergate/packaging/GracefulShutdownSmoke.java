package io.tiergate.packaging;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.OpenLoopLoad;
import io.tiergate.testsupport.OpenLoopLoad.Outcome;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while clients are waiting: the packaged gateway stops accepting connections, lets every request in
 * flight finish (the upstream takes 1.5 s to answer each), and exits with status 0 well within the grace period.
 */
class GracefulShutdownSmoke {

    static final Duration UPSTREAM_DELAY = Duration.ofMillis(1500);
    static final int RATE = 100;

    static final AnvilNode node = AnvilNode.start(1);
    /** A slow provider: a real node behind a fault injector that holds each answer for 1.5 s. */
    static final WireMockServer slow = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .containerThreads(400).asynchronousResponseEnabled(true).asynchronousResponseThreads(20));

    static {
        slow.start();
        slow.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(node.url())
                .withFixedDelay((int) UPSTREAM_DELAY.toMillis())));
    }

    @AfterAll
    static void stop() {
        slow.stop();
        node.close();
    }

    @Test
    void sigtermUnderLoadFinishesEveryRequestInFlightRefusesNewConnectionsAndExitsZero() throws Exception {
        try (PackagedGateway gateway = PackagedGateway.start("""
                tiergate:
                  networks:
                    ethereum:
                      chain-id: 1
                      timeout: 5s
                      request-timeout: 10s
                      tiers:
                        - name: local
                          providers:
                            - { name: slow_node, url: "%s" }
                """.formatted(slow.baseUrl()));
                OpenLoopLoad load = new OpenLoopLoad(gateway.url(), Duration.ofSeconds(20))) {
            load.start(RATE, RATE * 4, i -> new OpenLoopLoad.Request(
                    // A different account each time: identical reads would be coalesced into one upstream call.
                    "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"eth_getBalance\",\"params\":[\"0x"
                            + String.format("%040x", i) + "\",\"latest\"]}", List.of(Integer.toString(i))));
            // Wait until the upstream holds a full delay's worth of requests, so many are in flight at SIGTERM.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> load.sent() >= RATE * 2);
            long sigterm = System.nanoTime();
            int inFlightAtSigterm = load.inFlight();
            gateway.terminate();

            URI uri = URI.create(gateway.url());
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                    assertThatThrownBy(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
                        }
                    }).as("a new connection after SIGTERM").isInstanceOf(ConnectException.class));

            assertThat(gateway.process().waitFor(30, TimeUnit.SECONDS)).as("exited within the grace period").isTrue();
            long exited = System.nanoTime();
            assertThat(gateway.process().exitValue()).as("exit status (log: %s)", gateway.log()).isZero();

            List<Outcome> outcomes = load.await(Duration.ofSeconds(30));
            // In flight at SIGTERM: written whole before it. A request still being written when the server closes its
            // keep-alive connection was not accepted; like any request after SIGTERM it may be refused.
            List<Outcome> sentBefore = outcomes.stream().filter(o -> o.writtenNanos() >= 0 && o.writtenNanos() < sigterm)
                    .toList();
            List<Outcome> cut = sentBefore.stream()
                    .filter(o -> o.status() != 200 || !o.body().contains("\"id\":" + o.index() + ",\"result\":\"0x"))
                    .toList();
            long refusedAfter = outcomes.stream().filter(o -> !sentBefore.contains(o) && o.status() < 0).count();
            System.out.printf("graceful shutdown: %d requests sent before SIGTERM (%d in flight at SIGTERM), %d cut; "
                            + "%d sent after it not accepted; exit status %d, %d ms after SIGTERM%n",
                    sentBefore.size(), inFlightAtSigterm, cut.size(), refusedAfter, gateway.process().exitValue(),
                    TimeUnit.NANOSECONDS.toMillis(exited - sigterm));
            assertThat(inFlightAtSigterm).as("requests in flight at SIGTERM").isGreaterThan(RATE);
            assertThat(cut).as("requests in flight at SIGTERM that did not get their answer").isEmpty();
            assertThat(gateway.logText()).contains("SIGTERM: no new connections; draining requests in flight");
        }
    }
}
