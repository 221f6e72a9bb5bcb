package io.tiergate.admin;

import io.tiergate.provider.ProviderHealth;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.Tier;
import java.time.Instant;
import java.util.List;

/** What the admin API shows: JSON views of networks, tiers and providers. No URL key, no header value. */
public final class AdminViews {

    private AdminViews() {
    }

    public record NetworkView(String name, Long chainId, String strategy, String servingTier, long bestHead,
            List<TierView> tiers) {
    }

    public record TierView(String name, int priority, boolean usable, List<String> providers) {
    }

    public record ProviderView(String name, String network, String tier, String url, int configuredWeight,
            int effectiveWeight, String adminState, String health, String availability, String circuit,
            Instant rateLimitedUntil, Long quotaLeft, long head, long lag, int inFlight, Double latencyMs,
            long requestsPerMinute, double errorRate, String lastError) {
    }

    static NetworkView network(Network network) {
        Tier serving = network.servingTier();
        List<TierView> tiers = network.tiers().stream()
                .map(t -> new TierView(t.name(), t.priority() + 1,
                        t.providers().stream().anyMatch(p -> p.availability().selectable()),
                        t.providers().stream().map(Provider::name).toList()))
                .toList();
        return new NetworkView(network.name(), network.definition().chainId(),
                network.definition().strategy().configName(), serving == null ? null : serving.name(),
                network.heads().bestHead(), tiers);
    }

    static ProviderView provider(Network network, Provider p) {
        ProviderHealth health = p.health();
        double latency = p.recent().latencyMillis();
        long until = p.backoff().untilMillis();
        return new ProviderView(p.name(), network.name(), p.tier(), p.definition().redactedUrl(),
                p.definition().weight(), p.weight(), p.adminState().name(), p.state().name(),
                p.availability().reason(), p.breaker().getState().name(),
                p.backoff().isActive() ? Instant.ofEpochMilli(until) : null,
                p.quota().isLimited() ? p.quota().remaining() : null, health.head(), network.heads().lag(p),
                p.inFlight(), latency < 0 ? null : Math.round(latency * 100) / 100.0,
                p.recent().perMinute(), Math.round(p.recent().errorRate() * 10_000) / 10_000.0, health.lastError());
    }
}
