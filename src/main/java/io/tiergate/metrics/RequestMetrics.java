package io.tiergate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Client-side meters: requests by outcome, end-to-end latency, attempts per request, failovers.
 * Meters are looked up once per label combination and kept: asking the registry on every request (tags
 * sorted, an id built and hashed) cost more than the rest of the metrics work. Labels are bounded (configured
 * networks, the method list, fixed outcomes), so the caches are too.
 */
public final class RequestMetrics {

    private final Set<String> methods;
    private final ConcurrentMap<Labels, Counter> requestCounters = new ConcurrentHashMap<>();
    private final ConcurrentMap<Labels, Timer> durations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DistributionSummary> attemptSummaries = new ConcurrentHashMap<>();
    private final MeterProvider<Counter> requests;
    private final MeterProvider<Timer> duration;
    private final MeterProvider<DistributionSummary> attempts;
    private final MeterProvider<Counter> failovers;

    public RequestMetrics(MeterRegistry registry, MetricsProperties properties) {
        this.methods = Set.copyOf(properties.methods());
        this.requests = Counter.builder("tiergate.requests").description("JSON-RPC calls from clients by outcome")
                .withRegistry(registry);
        this.duration = Timer.builder("tiergate.request.duration").serviceLevelObjectives(Buckets.LATENCY)
                .description("end-to-end time of one client HTTP request").withRegistry(registry);
        this.attempts = DistributionSummary.builder("tiergate.request.attempts")
                .description("provider calls made for one client request").withRegistry(registry);
        this.failovers = Counter.builder("tiergate.failovers")
                .description("requests moved on to another provider after a failure").withRegistry(registry);
    }

    /** The method label: a configured method, or "other" so client input cannot create series. */
    public String method(String method) {
        return methods.contains(method) ? method : "other";
    }

    public void request(String network, String method, String outcome) {
        requestCounters.computeIfAbsent(new Labels(network, method(method), outcome),
                l -> requests.withTags("network", l.network(), "method", l.method(), "outcome", l.outcome()))
                .increment();
    }

    /** {@code method} is already a label ("batch" for batches). */
    public void completed(String network, String methodLabel, long nanos, int providerCalls) {
        durations.computeIfAbsent(new Labels(network, methodLabel, ""),
                l -> duration.withTags("network", l.network(), "method", l.method()))
                .record(nanos, TimeUnit.NANOSECONDS);
        attemptSummaries.computeIfAbsent(network, n -> attempts.withTags("network", n)).record(providerCalls);
    }

    public void failover(String network, String fromTier, String toTier) {
        failovers.withTags("network", network, "from_tier", fromTier, "to_tier", toTier).increment();
    }

    private record Labels(String network, String method, String outcome) {
    }
}
