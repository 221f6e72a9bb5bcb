package io.tiergate.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Connections the server closed on its own: refused past the cap, or timed out in one phase of a request. */
public final class ServerMetrics {

    private final Counter refused;
    private final Counter idleClosedAtCap;
    private final Counter headerTimeouts;
    private final Counter bodyTimeouts;
    private final Counter writeTimeouts;

    public ServerMetrics(MeterRegistry registry) {
        this.refused = Counter.builder("tiergate.server.connections.refused")
                .description("connections to the JSON-RPC port closed at once because max-connections were open")
                .register(registry);
        this.idleClosedAtCap = Counter.builder("tiergate.server.connections.idle.closed")
                .description("kept-alive idle connections closed to make room for a new one at max-connections")
                .register(registry);
        this.headerTimeouts = timeouts(registry, "header");
        this.bodyTimeouts = timeouts(registry, "body");
        this.writeTimeouts = timeouts(registry, "write");
    }

    private static Counter timeouts(MeterRegistry registry, String phase) {
        return Counter.builder("tiergate.server.timeouts").tag("phase", phase)
                .description("client connections closed because a phase of a request took too long")
                .register(registry);
    }

    void refused() {
        refused.increment();
    }

    void idleClosedAtCap() {
        idleClosedAtCap.increment();
    }

    void headerTimeout() {
        headerTimeouts.increment();
    }

    /** A request body that stalled past tiergate.server.body-timeout. */
    public void bodyTimeout() {
        bodyTimeouts.increment();
    }

    void writeTimeout() {
        writeTimeouts.increment();
    }
}
