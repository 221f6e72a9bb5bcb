package io.tiergate.upstream;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * What went wrong on the wire, in words fit for a client error and a log line (never the
 * exception's own message, which may carry an address or a key). {@code neverSent} marks failures
 * where the request surely did not reach the provider, the only ones after which a transaction may
 * be sent elsewhere.
 */
public record TransportFailure(String reason, boolean neverSent, boolean timeout) {

    public static TransportFailure of(Throwable error) {
        Throwable e = error;
        for (int depth = 0; e != null && depth < 5; depth++, e = e.getCause()) {
            if (e instanceof ConnectTimeoutException) {
                return new TransportFailure("connect timeout", true, false);
            }
            if (e instanceof ConnectException) {
                return new TransportFailure("connection refused", true, false);
            }
            if (e instanceof UnknownHostException) {
                return new TransportFailure("unknown host", true, false);
            }
            if (e instanceof TimeoutException) {
                return new TransportFailure("timeout", false, true);
            }
            if (e instanceof PrematureCloseException || e instanceof ClosedChannelException) {
                return new TransportFailure("connection closed", false, false);
            }
            if (e instanceof SSLException) {
                return new TransportFailure("TLS error", false, false);
            }
            if (e.getClass().getSimpleName().startsWith("PoolAcquire")) {
                return new TransportFailure("connection pool exhausted", true, false);
            }
            if (e instanceof IOException io && io.getMessage() != null && io.getMessage().contains("reset")) {
                return new TransportFailure("connection reset", false, false);
            }
        }
        return new TransportFailure("transport error (" + error.getClass().getSimpleName() + ")", false, false);
    }
}
