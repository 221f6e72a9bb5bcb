package io.tiergate.admin;

import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import io.tiergate.provider.Tier;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;

/** The text dashboard of {@code GET /admin/status}: per tier its share of recent traffic, per provider its health. */
final class StatusView {

    private static final int BAR = 30;

    private StatusView() {
    }

    /** {@code cluster}: the cluster health of this replica, or null when there is none. */
    static String render(NetworkRegistry registry, Clock clock, Health cluster) {
        StringBuilder out = new StringBuilder();
        out.append("tiergate status at ").append(clock.instant()).append('\n');
        if (cluster != null) {
            cluster(out, cluster);
        }
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
                    if (p.recent().latencyMillis() >= 0) {
                        latencySum += p.recent().latencyMillis();
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
                            p.name(), p.state(), p.adminState(), p.breaker().getState(), p.weight(),
                            p.recent().perMinute(), p.recent().errorRate() * 100));
                }
            }
        }
        return out.toString();
    }

    /**
     * Whether an admin call here acts on this replica alone or on the fleet, the first thing an operator with
     * several replicas needs to know before draining anything.
     */
    private static void cluster(StringBuilder out, Health cluster) {
        Map<String, Object> details = cluster.getDetails();
        out.append("cluster: ").append(cluster.getStatus().getCode());
        if ("memory".equals(details.get("store"))) {
            out.append(", store memory: overrides, quotas and rests are this replica's own");
        } else {
            out.append(", store redis ").append(details.get("redis")).append(", cluster ").append(details.get("cluster"))
                    .append(", ").append(details.get("replicas")).append(" replica(s) alive");
        }
        out.append(", replica ").append(details.get("replica")).append('\n');
        if (details.containsKey("error")) {
            out.append("  store unreachable since ").append(details.get("since")).append(": ").append(details.get("error"))
                    .append("\n  meanwhile: ").append(details.get("meanwhile")).append('\n');
        }
    }
}
