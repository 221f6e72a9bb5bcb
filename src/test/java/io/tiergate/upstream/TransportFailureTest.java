package io.tiergate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.PrematureCloseException;

class TransportFailureTest {

    private static final String SECRET_ADDRESS = "mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161";

    @Test
    void connectionRefusedSurelyNeverReachedTheProvider() {
        TransportFailure f = TransportFailure.of(new ConnectException("Connection refused: " + SECRET_ADDRESS));

        assertThat(f.reason()).isEqualTo("connection refused");
        assertThat(f.neverSent()).isTrue();
        assertThat(f.timeout()).isFalse();
    }

    @Test
    void connectionRefusedIsFoundInsideWrappers() {
        TransportFailure f = TransportFailure.of(
                new RuntimeException("wrapped", new IllegalStateException(new ConnectException("refused"))));

        assertThat(f.reason()).isEqualTo("connection refused");
        assertThat(f.neverSent()).isTrue();
    }

    @Test
    void connectTimeoutNeverReachedTheProvider() {
        TransportFailure f = TransportFailure.of(new ConnectTimeoutException("connection timed out: " + SECRET_ADDRESS));

        assertThat(f.reason()).isEqualTo("connect timeout");
        assertThat(f.neverSent()).isTrue();
    }

    @Test
    void unknownHostNeverReachedTheProvider() {
        TransportFailure f = TransportFailure.of(new UnknownHostException("no-such-node.internal"));

        assertThat(f.reason()).isEqualTo("unknown host");
        assertThat(f.neverSent()).isTrue();
    }

    @Test
    void responseTimeoutIsATimeoutThatMayHaveReachedTheProvider() {
        TransportFailure f = TransportFailure.of(new TimeoutException("Did not observe any item within 5000ms"));

        assertThat(f.reason()).isEqualTo("timeout");
        assertThat(f.timeout()).isTrue();
        assertThat(f.neverSent()).isFalse();
    }

    @Test
    void prematureCloseMayHaveReachedTheProvider() {
        // Reactor Netty's only public instance; the real ones are raised inside its HTTP client.
        for (Throwable e : new Throwable[] {PrematureCloseException.TEST_EXCEPTION,
            new IllegalStateException(PrematureCloseException.TEST_EXCEPTION)}) {
            TransportFailure f = TransportFailure.of(e);

            assertThat(f.reason()).isEqualTo("connection closed");
            assertThat(f.neverSent()).isFalse();
            assertThat(f.timeout()).isFalse();
        }
    }

    @Test
    void closedChannelMayHaveReachedTheProvider() {
        TransportFailure f = TransportFailure.of(new ClosedChannelException());

        assertThat(f.reason()).isEqualTo("connection closed");
        assertThat(f.neverSent()).isFalse();
    }

    @Test
    void connectionResetMayHaveReachedTheProvider() {
        TransportFailure f = TransportFailure.of(new IOException("Connection reset by peer"));

        assertThat(f.reason()).isEqualTo("connection reset");
        assertThat(f.neverSent()).isFalse();
    }

    @Test
    void tlsFailureIsReportedAsSuch() {
        TransportFailure f = TransportFailure.of(new SSLHandshakeException("PKIX path building failed for " + SECRET_ADDRESS));

        assertThat(f.reason()).isEqualTo("TLS error");
        assertThat(f.neverSent()).isFalse();
    }

    @Test
    void unknownCauseIsNotAssumedUnsent() {
        TransportFailure f = TransportFailure.of(new IllegalStateException("something odd at " + SECRET_ADDRESS));

        assertThat(f.neverSent()).isFalse();
        assertThat(f.timeout()).isFalse();
        assertThat(f.reason()).isEqualTo("transport error (IllegalStateException)");
    }

    @Test
    void reasonNeverCarriesTheExceptionsOwnMessage() {
        Throwable[] errors = {
            new ConnectException(SECRET_ADDRESS), new TimeoutException(SECRET_ADDRESS), new IOException(SECRET_ADDRESS),
            new IOException("reset " + SECRET_ADDRESS), new RuntimeException(SECRET_ADDRESS),
            new RuntimeException(new RuntimeException(new RuntimeException(new RuntimeException(
                    new RuntimeException(new RuntimeException(SECRET_ADDRESS))))))
        };

        for (Throwable e : errors) {
            assertThat(TransportFailure.of(e).reason()).doesNotContain("infura").doesNotContain("9aa3d95b");
        }
    }
}
