package io.tiergate.health;

import io.tiergate.provider.Availability;
import io.tiergate.provider.ProviderHealth;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.Tier;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** One tier: UP while at least one of its providers is usable; details per provider, never a URL key. */
final class TierHealthIndicator implements HealthIndicator {

    private final Network network;
    private final Tier tier;

    TierHealthIndicator(Network network, Tier tier) {
        this.network = network;
        this.tier = tier;
    }

    @Override
    public Health health() {
        boolean usable = false;
        Map<String, Object> providers = new LinkedHashMap<>();
        for (Provider p : tier.providers()) {
            Availability availability = p.availability();
            usable |= availability.selectable();
            providers.put(p.name(), details(p, availability));
        }
        return (usable ? Health.up() : Health.down())
                .withDetail("priority", tier.priority() + 1)
                .withDetail("providers", providers)
                .build();
    }

    private Map<String, Object> details(Provider p, Availability availability) {
        ProviderHealth health = p.health();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", p.state().name());
        d.put("usable", availability.selectable());
        if (availability != Availability.USABLE) {
            d.put("reason", availability.reason());
        }
        d.put("url", p.definition().redactedUrl());
        d.put("head", health.head());
        d.put("lag", network.heads().lag(p));
        d.put("circuit", p.breaker().getState().name());
        d.put("weight", p.weight());
        if (health.lastError() != null) {
            d.put("lastError", health.lastError());
        }
        if (p.recent().latencyMillis() >= 0) {
            d.put("latencyMs", Math.round(p.recent().latencyMillis() * 100) / 100.0);
        }
        return d;
    }
}
