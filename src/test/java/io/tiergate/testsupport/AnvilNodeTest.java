package io.tiergate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Proves the test harness itself: a real anvil that we can query, mine, kill, restart, pause and resume. */
class AnvilNodeTest {

    private static final String CHAIN_ID_1337 = "\"result\":\"0x539\"";

    @Test
    void answersWithItsChainIdAndMinesOnDemand() {
        try (AnvilNode node = AnvilNode.start(1337)) {
            assertThat(node.url()).isEqualTo("http://127.0.0.1:" + node.port());
            assertThat(node.wsUrl()).isEqualTo("ws://127.0.0.1:" + node.port());
            assertThat(node.call("eth_chainId", "[]")).contains(CHAIN_ID_1337);

            long before = node.blockNumber();
            node.mine(3);
            assertThat(node.blockNumber()).isEqualTo(before + 3);
        }
    }

    @Test
    void killedNodeRefusesConnectionsAndRestartsOnTheSamePort() {
        try (AnvilNode node = AnvilNode.start(1337)) {
            int port = node.port();
            long pid = node.pid();

            node.kill();
            assertThat(node.isAlive()).isFalse();
            assertThatThrownBy(() -> node.call("eth_chainId", "[]"))
                    .isInstanceOf(UncheckedIOException.class)
                    // Not the root cause: the JDK 17 client wraps a ClosedChannelException from its connect retry.
                    .hasCauseInstanceOf(ConnectException.class);

            node.restart();
            assertThat(node.isAlive()).isTrue();
            assertThat(node.port()).isEqualTo(port);
            assertThat(node.pid()).isNotEqualTo(pid);
            assertThat(node.call("eth_chainId", "[]")).contains(CHAIN_ID_1337);
        }
    }

    @Test
    void pausedNodeTimesOutAndAnswersAgainAfterResume() {
        try (AnvilNode node = AnvilNode.start(1337)) {
            node.pause();
            assertThat(node.isAlive()).isTrue();
            assertThatThrownBy(() -> node.call("eth_chainId", "[]", Duration.ofMillis(500)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(HttpTimeoutException.class);

            node.resume();
            assertThat(node.call("eth_chainId", "[]")).contains(CHAIN_ID_1337);
        }
    }

    @Test
    void closeKillsTheProcess() {
        AnvilNode node = AnvilNode.start();
        long pid = node.pid();
        node.close();
        assertThat(node.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void missingBinaryFailsWithInstructions() {
        assertThatThrownBy(() -> AnvilNode.requireBinary(Path.of("/nonexistent/anvil")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("anvil not found at /nonexistent/anvil: run ./mvnw verify "
                        + "(it installs @foundry-rs/anvil from npm; needs Node.js/npm)");
    }

    @Test
    void jsonRpcClientReturnsStatusBodyAndHeaders() {
        try (AnvilNode node = AnvilNode.start(1337)) {
            JsonRpcClient.Response response = new JsonRpcClient()
                    .post(node.url(), "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_chainId\",\"params\":[]}");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).contains(CHAIN_ID_1337);
            assertThat(response.header("content-type")).startsWith("application/json");
            assertThat(response.header("x-not-there")).isNull();
        }
    }

    @Test
    void mutableClockMovesOnlyWhenTold() {
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        MutableClock clock = new MutableClock(start);
        assertThat(clock.instant()).isEqualTo(start);
        assertThat(clock.advance(Duration.ofSeconds(90))).isEqualTo(start.plusSeconds(90));
        assertThat(clock.millis()).isEqualTo(start.plusSeconds(90).toEpochMilli());
        clock.setInstant(start);
        assertThat(clock.withZone(java.time.ZoneId.of("Europe/Paris")).instant()).isEqualTo(start);
        assertThat(clock.getZone()).isEqualTo(java.time.ZoneOffset.UTC);
    }
}
