package io.tiergate.server;

import io.tiergate.config.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code tiergate.server.*}: how long a client connection may spend in each phase, how much of a refused body is
 * read and thrown away, and how many connections the JSON-RPC port holds. Timeouts apply to both ports.
 *
 * @param headerTimeout   the request line and headers must be complete this long after their first byte, or the connection is closed without an answer
 * @param bodyTimeout     longest wait between two reads of a request body (408, then close)
 * @param idleTimeout     a connection with no request under way (new, or kept alive) is closed after this
 * @param writeTimeout    a client that takes none of its answer for this long is disconnected
 * @param discardLimit    of a body over {@code tiergate.max-request-size}, this much more is read and discarded so that
 *                        the client, still sending, can read its 413; past it the connection is closed
 * @param maxConnections  open connections on the JSON-RPC port; more are closed at once (unset: derived from the
 *                        process's descriptor limit, see {@link ConnectionCap#derived})
 */
@ConfigurationProperties("tiergate.server")
public record ServerLimitsProperties(
        @DefaultValue("10s") Duration headerTimeout,
        @DefaultValue("30s") Duration bodyTimeout,
        @DefaultValue("60s") Duration idleTimeout,
        @DefaultValue("30s") Duration writeTimeout,
        @DefaultValue("64MB") DataSize discardLimit,
        Integer maxConnections) {

    private static final String PREFIX = "tiergate.server.";

    public ServerLimitsProperties {
        positive("header-timeout", headerTimeout);
        positive("body-timeout", bodyTimeout);
        positive("idle-timeout", idleTimeout);
        positive("write-timeout", writeTimeout);
        if (discardLimit.toBytes() < 0) {
            throw new InvalidConfigurationException(PREFIX + "discard-limit", "must not be negative");
        }
        if (maxConnections != null && maxConnections < 1) {
            throw new InvalidConfigurationException(PREFIX + "max-connections", "must be at least 1");
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new InvalidConfigurationException(PREFIX + name, "must be positive");
        }
    }
}
