package io.tiergate.packaging;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.OpenLoopLoad;
import io.tiergate.testsupport.OpenLoopLoad.Outcome;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** The load's request indices the provider received (health probes carry no account). */
    private static Set<Integer> acceptedByTheGateway() {
        Set<Integer> indices = new HashSet<>();
        for (ServeEvent event : slow.getAllServeEvents()) {
            Matcher account = ACCOUNT.matcher(event.getRequest().getBodyAsString());
            while (account.find()) {
                indices.add(Integer.parseInt(account.group(1), 16));
            }
        }
        return indices;
    }

    private static final Pattern ACCOUNT = Pattern.compile("\"0x([0-9a-f]{40})\"");

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
            // As on Kubernetes, where the pod leaves the Service's endpoints (preStop) before SIGTERM: clients stop
            // sending, what is in flight must finish. (A request sent on a keep-alive connection at the very moment
            // the server closes it can be lost on any HTTP/1.1 server; docs/reliability.md says more.)
            load.stopSending();
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
            // In flight at SIGTERM = accepted by the gateway: it passed the request on to the provider, whose request
            // log names each one by its account. A request still in a socket buffer when the server closed that
            // keep-alive connection was never accepted; like any request after SIGTERM it may be refused.
            // Only requests whose last byte was written before SIGTERM were in flight at SIGTERM: one the load still
            // wrote afterwards (it waited for a connection) met the keep-alive race above, whatever the server does.
            Set<Integer> accepted = acceptedByTheGateway();
            List<Outcome> inFlight = outcomes.stream()
                    .filter(o -> accepted.contains(o.index()) && o.writtenNanos() >= 0 && o.writtenNanos() < sigterm)
                    .toList();
            long writtenLate = outcomes.stream().filter(o -> accepted.contains(o.index()) && o.writtenNanos() >= sigterm)
                    .count();
            List<Outcome> cut = inFlight.stream()
                    .filter(o -> o.status() != 200 || !o.body().contains("\"id\":" + o.index() + ",\"result\":\"0x"))
                    .toList();
            long notAccepted = outcomes.stream().filter(o -> !accepted.contains(o.index()) && o.status() != 200).count();
            System.out.printf("graceful shutdown: %d requests accepted (%d in flight at SIGTERM), %d cut; %d not accepted "
                            + "and refused; %d written after SIGTERM; exit status %d, %d ms after SIGTERM%n",
                    inFlight.size(), inFlightAtSigterm, cut.size(), notAccepted, writtenLate,
                    gateway.process().exitValue(), TimeUnit.NANOSECONDS.toMillis(exited - sigterm));
            cut.stream().limit(5).forEach(o -> System.out.printf("  cut: #%d ended %d ms after SIGTERM: %d %s%n",
                    o.index(), TimeUnit.NANOSECONDS.toMillis(o.endNanos() - sigterm), o.status(), o.body()));
            assertThat(inFlightAtSigterm).as("requests in flight at SIGTERM").isGreaterThan(RATE);
            assertThat(inFlight).as("accepted requests").hasSizeGreaterThan(RATE);
            assertThat(cut).as("accepted requests that did not get their answer").isEmpty();
            assertThat(gateway.logText()).contains("SIGTERM: no new connections; draining requests in flight");
        }
    }
}
