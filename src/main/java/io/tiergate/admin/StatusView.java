package io.tiergate.admin;

import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.provider.Tier;
import java.time.Clock;

/** The text dashboard of {@code GET /admin/status}: per tier its share of recent traffic, per provider its health. */
final class StatusView {

    private static final int BAR = 30;

    private StatusView() {
    }

    static String render(NetworkRegistry registry, Clock clock) {
        StringBuilder out = new StringBuilder();
        out.append("tiergate status at ").append(clock.instant()).append('\n');
        for (Network network : registry.networks()) {
            Tier serving = network.servingTier();
            long total = 0;
            for (Provider p : network.providers()) {
                total += p.recent().perMinute();
            }
            out.append("\nnetwork ").append(network.name()).append(": ")
                    .append(serving == null ? "DOWN (no tier can serve)" : "UP, serving tier " + serving.name())
                    .append(", best head ").append(network.heads().bestHead())
                    .append(", ").append(total).append(" requests in the last minute\n");
            for (Tier tier : network.tiers()) {
                long calls = 0;
                double latencySum = 0;
                int latencies = 0;
                for (Provider p : tier.providers()) {
                    calls += p.recent().perMinute();
                    if (p.health().latencyMillis() >= 0) {
                        latencySum += p.health().latencyMillis();
                        latencies++;
                    }
                }
                double share = total == 0 ? 0 : (double) calls / total;
                int filled = (int) Math.round(share * BAR);
                out.append(String.format("  tier %d %-10s [%s%s] %5.1f%%  avg latency %s%n", tier.priority() + 1,
                        tier.name(), "#".repeat(filled), ".".repeat(BAR - filled), share * 100,
                        latencies == 0 ? "-" : String.format("%.1fms", latencySum / latencies)));
                for (Provider p : tier.providers()) {
                    out.append(String.format("    %-20s %-13s %-8s circuit %-9s weight %4d  %6d req/min  %5.1f%% errors%n",
                            p.name(), p.health().state(), p.adminState(), p.breaker().getState(), p.weight(),
                            p.recent().perMinute(), p.recent().errorRate() * 100));
                }
            }
        }
        return out.toString();
    }
}
