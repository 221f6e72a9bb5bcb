package io.tiergate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Transaction broadcasts of one network: how each ended for the client, and how long the first acceptance
 * took. What each provider answered is counted per provider ({@link ProviderMetrics#broadcastAnswer}).
 */
public final class BroadcastMetrics {

    /** How a broadcast ended for the client. */
    public enum Outcome {
        /** A provider accepted it (or already had it). */
        ACCEPTED,
        /** Providers answered, all with an error for the transaction (the client gets one of them). */
        REJECTED,
        /** No provider answered for it. */
        FAILED
    }

    private final Counter accepted;
    private final Counter rejected;
    private final Counter failed;
    private final Timer firstAcceptance;

    public BroadcastMetrics(MeterRegistry registry, String network) {
        this.accepted = broadcasts(registry, network, "accepted");
        this.rejected = broadcasts(registry, network, "rejected");
        this.failed = broadcasts(registry, network, "failed");
        this.firstAcceptance = Timer.builder("tiergate.broadcast.first.acceptance").tag("network", network)
                .serviceLevelObjectives(Buckets.LATENCY)
                .description("time from a broadcast's start to the first provider accepting the transaction")
                .register(registry);
    }

    public void ended(Outcome outcome) {
        switch (outcome) {
            case ACCEPTED -> accepted.increment();
            case REJECTED -> rejected.increment();
            case FAILED -> failed.increment();
        }
    }

    public void firstAcceptance(long nanos) {
        firstAcceptance.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static Counter broadcasts(MeterRegistry registry, String network, String outcome) {
        return Counter.builder("tiergate.broadcasts").tag("network", network).tag("outcome", outcome)
                .description("eth_sendRawTransaction broadcasts by how they ended for the client").register(registry);
    }
}
