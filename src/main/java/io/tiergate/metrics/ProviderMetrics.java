package io.tiergate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.provider.AdminState;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.HealthState;
import io.tiergate.provider.Provider;
import io.tiergate.provider.ProviderMeters;
import io.tiergate.upstream.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one provider: call outcomes and latency, rate-limit incidents, skips, probes, and
 * gauges that read its live state through lambdas. Registered when the provider is created, removed
 * with it, so a provider removed at run time leaves no series behind.
 */
public final class ProviderMetrics implements ProviderMeters {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<Outcome.Label, Counter> calls = new EnumMap<>(Outcome.Label.class);
    private final Map<Availability, Counter> skips = new EnumMap<>(Availability.class);
    private final Counter probeSuccess;
    private final Counter probeFailure;
    private final Counter probeRateLimited;
    private final Counter rateLimitIncidents;
    private final Timer duration;
    private final Map<ProviderMethods.Refusal, Counter> methodSkips = new EnumMap<>(ProviderMethods.Refusal.class);
    private final Map<BroadcastAnswer, Counter> broadcastAnswers = new EnumMap<>(BroadcastAnswer.class);

    public ProviderMetrics(MeterRegistry registry, Network network, Provider provider) {
        this.registry = registry;
        Tags tags = Tags.of("network", network.name(), "tier", provider.tier(), "provider", provider.name());
        for (Outcome.Label outcome : Outcome.Label.values()) {
            calls.put(outcome, keep(Counter.builder("tiergate.upstream.calls").tags(tags).tag("outcome", outcome.tag())
                    .description("calls to a provider by outcome").register(registry)));
        }
        for (Availability reason : Availability.values()) {
            if (!reason.selectable()) {
                skips.put(reason, keep(Counter.builder("tiergate.skipped").tags(tags)
                        .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                        .description("times a provider was passed over while selecting").register(registry)));
            }
        }
        probeSuccess = probe(tags, "success");
        probeFailure = probe(tags, "failure");
        probeRateLimited = probe(tags, "rate_limited");
        rateLimitIncidents = keep(Counter.builder("tiergate.rate.limit.incidents").tags(tags)
                .description("rate limits seen from a provider").register(registry));
        for (ProviderMethods.Refusal refusal : ProviderMethods.Refusal.values()) {
            methodSkips.put(refusal, keep(Counter.builder("tiergate.method.skips").tags(tags)
                    .tag("reason", refusal.name().toLowerCase(Locale.ROOT))
                    .description("requests passed over this provider because it does not serve their method")
                    .register(registry)));
        }
        for (BroadcastAnswer answer : BroadcastAnswer.values()) {
            broadcastAnswers.put(answer, keep(Counter.builder("tiergate.broadcast.answers").tags(tags)
                    .tag("outcome", answer.name().toLowerCase(Locale.ROOT))
                    .description("what the provider answered to broadcast transactions").register(registry)));
        }
        duration = keep(Timer.builder("tiergate.upstream.duration").tags(tags).serviceLevelObjectives(Buckets.LATENCY)
                .description("time of one call to a provider").register(registry));
        gauge("tiergate.provider.usable", tags, provider, p -> p.availability().selectable() ? 1 : 0);
        gauge("tiergate.provider.drained", tags, provider, p -> p.adminState() == AdminState.DRAINED ? 1 : 0);
        gauge("tiergate.provider.weight", tags, provider, Provider::weight);
        gauge("tiergate.provider.in.flight", tags, provider, Provider::inFlight);
        gauge("tiergate.provider.head.block", tags, provider, p -> p.health().head());
        gauge("tiergate.provider.lag.blocks", tags, provider, p -> network.heads().lag(p));
        gauge("tiergate.provider.circuit.open", tags, provider, p -> switch (p.breaker().getState()) {
            case OPEN, FORCED_OPEN -> 1;
            default -> 0;
        });
        gauge("tiergate.provider.backoff.remaining.seconds", tags, provider,
                p -> p.backoff().remaining().toMillis() / 1000.0);
        if (provider.quota().isLimited()) {
            gauge("tiergate.provider.quota.remaining", tags, provider, p -> p.quota().remaining());
            gauge("tiergate.provider.quota.limit", tags, provider, p -> p.quota().spec().requests());
        }
        for (HealthState state : HealthState.values()) {
            keep(Gauge.builder("tiergate.provider.state", provider, p -> p.state() == state ? 1 : 0)
                    .tags(tags).tag("state", state.name()).description("1 for the provider's current state")
                    .register(registry));
        }
    }

    @Override
    public void call(Outcome.Label outcome, long nanos) {
        calls.get(outcome).increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
        if (outcome == Outcome.Label.RATE_LIMITED) {
            rateLimitIncidents.increment();
        }
    }

    @Override
    public void skipped(Availability reason) {
        Counter counter = skips.get(reason);
        if (counter != null) {
            counter.increment();
        }
        if (reason == Availability.CIRCUIT_OPEN) {
            calls.get(Outcome.Label.CIRCUIT_OPEN).increment();
        }
    }

    @Override
    public void methodSkipped(ProviderMethods.Refusal reason) {
        methodSkips.get(reason).increment();
    }

    @Override
    public void broadcastAnswer(BroadcastAnswer answer) {
        broadcastAnswers.get(answer).increment();
    }

    @Override
    public void probe(Outcome outcome) {
        if (outcome.served()) {
            probeSuccess.increment();
        } else if (outcome instanceof Outcome.RateLimited) {
            probeRateLimited.increment();
            rateLimitIncidents.increment();
        } else {
            probeFailure.increment();
        }
    }

    /** Removes every meter of this provider from the registry. */
    public void remove() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private Counter probe(Tags tags, String outcome) {
        return keep(Counter.builder("tiergate.probes").tags(tags).tag("outcome", outcome)
                .description("health probes of a provider by outcome").register(registry));
    }

    private void gauge(String name, Tags tags, Provider provider, java.util.function.ToDoubleFunction<Provider> value) {
        keep(Gauge.builder(name, provider, value).tags(tags).strongReference(false).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }
}
