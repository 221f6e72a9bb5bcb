package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiergate.config.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class WebSocketPropertiesTest {

    @Test
    void defaultsAreValid() {
        assertThat(properties(Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(10), 128).maxGapFill())
                .isEqualTo(128);
    }

    @Test
    void aPingIntervalThatWouldSpinIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> properties(Duration.ZERO, Duration.ofMillis(250), Duration.ofSeconds(10), 128))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("tiergate.websocket.ping-interval: must be at least 100ms (was PT0S)");
    }

    @Test
    void clientsArePingedAtThePingIntervalUnlessTheirOwnIntervalIsSet() {
        assertThat(properties(Duration.ofSeconds(7), Duration.ofMillis(250), Duration.ofSeconds(10), 128)
                .clientPingInterval()).isEqualTo(Duration.ofSeconds(7));
        assertThat(new WebSocketProperties(true, 100, DataSize.ofMegabytes(1), DataSize.ofMegabytes(4),
                Duration.ofSeconds(7), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(250),
                Duration.ofSeconds(10), Duration.ofSeconds(30), 128).clientPingInterval())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aClientPingTimeoutThatWouldCloseEveryClientIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new WebSocketProperties(true, 100, DataSize.ofMegabytes(1), DataSize.ofMegabytes(4),
                Duration.ofSeconds(30), null, Duration.ofMillis(10), Duration.ofMillis(250), Duration.ofSeconds(10),
                Duration.ofSeconds(30), 128))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("tiergate.websocket.client-ping-timeout: must be at least 100ms (was PT0.01S)");
    }

    @Test
    void aMaximumBackoffBelowTheMinimumIsRefused() {
        assertThatThrownBy(() -> properties(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(1), 128))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("tiergate.websocket.reconnect-max-backoff: must not be below reconnect-min-backoff");
    }

    @Test
    void aNegativeGapFillIsRefused() {
        assertThatThrownBy(() -> properties(Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(10), -1))
                .hasMessage("tiergate.websocket.max-gap-fill: must not be negative (was -1)");
    }

    private static WebSocketProperties properties(Duration ping, Duration minBackoff, Duration maxBackoff, int gapFill) {
        return new WebSocketProperties(true, 100, DataSize.ofMegabytes(1), DataSize.ofMegabytes(4), ping, null,
                Duration.ofSeconds(30), minBackoff, maxBackoff, Duration.ofSeconds(30), gapFill);
    }
}
