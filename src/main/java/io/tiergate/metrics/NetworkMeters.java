package io.tiergate.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.Network;
import io.tiergate.provider.Tier;

/** Gauges of a network and its tiers: can the tier serve, does some tier of the network serve. */
public final class NetworkMeters {

    private NetworkMeters() {
    }

    public static void bind(MeterRegistry registry, Network network) {
        for (Tier tier : network.tiers()) {
            Gauge.builder("tiergate.tier.usable", tier,
                            t -> t.providers().stream().anyMatch(p -> p.availability().selectable()) ? 1 : 0)
                    .tag("network", network.name()).tag("tier", tier.name())
                    .description("1 while at least one provider of the tier is usable").register(registry);
            Gauge.builder("tiergate.tier.priority", tier, t -> t.priority() + 1)
                    .tag("network", network.name()).tag("tier", tier.name())
                    .description("1 for the first (preferred) tier of the network, 2 for the next, ...").register(registry);
        }
        Gauge.builder("tiergate.network.serving", network, n -> n.servingTier() == null ? 0 : 1)
                .tag("network", network.name()).description("1 while some tier of the network serves")
                .register(registry);
    }
}
