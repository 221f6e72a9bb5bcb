package io.tiergate.websocket;

import io.tiergate.config.InvalidConfigurationException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code tiergate.websocket.*}: limits of client connections and how upstream subscriptions are kept alive.
 *
 * @param enabled                         false: no WebSocket upgrade, the JSON-RPC paths serve HTTP POST only
 * @param maxSubscriptionsPerConnection   eth_subscribe beyond this on one connection gets an error
 * @param maxMessageSize                  largest client message (one frame, or the frames of a fragmented message together);
 *                                        larger closes the connection with 1009 (message too big)
 * @param outboundBuffer                  bytes queued for a client that does not read; past it the client is closed
 * @param pingInterval                    ping frames to providers; a provider silent for three is dropped
 * @param clientPingInterval              ping frames to clients (unset: ping-interval)
 * @param clientPingTimeout               a client that sends nothing, not even a pong, for this long after a ping is
 *                                        closed (1002)
 * @param reconnectMinBackoff             first wait before resubscribing when no provider took the subscription
 * @param reconnectMaxBackoff             the wait doubles up to this
 * @param providerCooldown                a provider whose socket failed is passed over this long (on the app clock)
 * @param maxGapFill                      most blocks re-read after a switch: newHeads headers, logs
 */
@ConfigurationProperties("tiergate.websocket")
public record WebSocketProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("100") int maxSubscriptionsPerConnection,
        @DefaultValue("1MB") DataSize maxMessageSize,
        @DefaultValue("4MB") DataSize outboundBuffer,
        @DefaultValue("30s") Duration pingInterval,
        Duration clientPingInterval,
        @DefaultValue("30s") Duration clientPingTimeout,
        @DefaultValue("250ms") Duration reconnectMinBackoff,
        @DefaultValue("10s") Duration reconnectMaxBackoff,
        @DefaultValue("30s") Duration providerCooldown,
        @DefaultValue("128") int maxGapFill) {

    private static final String PREFIX = "tiergate.websocket.";

    public WebSocketProperties {
        require(maxSubscriptionsPerConnection >= 0, "max-subscriptions-per-connection", "must not be negative",
                maxSubscriptionsPerConnection);
        require(maxMessageSize.toBytes() > 0 && maxMessageSize.toBytes() <= Integer.MAX_VALUE, "max-message-size",
                "must be between 1B and 2GB", maxMessageSize);
        require(outboundBuffer.toBytes() > 0, "outbound-buffer", "must be positive", outboundBuffer);
        require(pingInterval.toMillis() >= 100, "ping-interval", "must be at least 100ms", pingInterval);
        if (clientPingInterval == null) {
            clientPingInterval = pingInterval;
        }
        require(clientPingInterval.toMillis() >= 100, "client-ping-interval", "must be at least 100ms",
                clientPingInterval);
        require(clientPingTimeout.toMillis() >= 100, "client-ping-timeout", "must be at least 100ms",
                clientPingTimeout);
        require(!reconnectMinBackoff.isNegative() && !reconnectMinBackoff.isZero(), "reconnect-min-backoff",
                "must be positive", reconnectMinBackoff);
        require(reconnectMaxBackoff.compareTo(reconnectMinBackoff) >= 0, "reconnect-max-backoff",
                "must not be below reconnect-min-backoff", reconnectMaxBackoff);
        require(!providerCooldown.isNegative(), "provider-cooldown", "must not be negative", providerCooldown);
        require(maxGapFill >= 0, "max-gap-fill", "must not be negative", maxGapFill);
    }

    private static void require(boolean valid, String key, String problem, Object value) {
        if (!valid) {
            throw new InvalidConfigurationException(PREFIX + key, problem + " (was " + value + ")");
        }
    }
}
