package io.tiergate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/** Hedged reads of one network: hedges sent, hedges whose answer won, hedges the max-in-flight bound held back. */
public final class HedgeMetrics {

    private final Counter sent;
    private final Counter won;
    private final Counter suppressed;

    /** {@code inFlight}: hedges running now. */
    public HedgeMetrics(MeterRegistry registry, String network, IntSupplier inFlight) {
        this.sent = hedges(registry, network, "sent");
        this.won = hedges(registry, network, "won");
        this.suppressed = hedges(registry, network, "suppressed");
        Gauge.builder("tiergate.hedges.in.flight", inFlight, IntSupplier::getAsInt).tag("network", network)
                .description("hedge calls running now (at most hedge.max-in-flight)").register(registry);
    }

    public void sent() {
        sent.increment();
    }

    public void won() {
        won.increment();
    }

    public void suppressed() {
        suppressed.increment();
    }

    private static Counter hedges(MeterRegistry registry, String network, String outcome) {
        return Counter.builder("tiergate.hedges").tag("network", network).tag("outcome", outcome)
                .description("hedged reads: sent, won (the hedge answered first), suppressed (max-in-flight reached)")
                .register(registry);
    }
}
