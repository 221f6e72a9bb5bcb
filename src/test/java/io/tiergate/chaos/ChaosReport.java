package io.tiergate.chaos;

import io.tiergate.testsupport.OpenLoopLoad.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Judges every outcome of a chaos run and prints the figures, phase by phase. */
final class ChaosReport {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<Integer> GATEWAY_ERRORS = Set.of(-32050, -32051);

    /** An outcome with the verdict on it. */
    record Judged(Outcome outcome, int phase, boolean ok, boolean clearError) {
    }

    private final ChaosScript script;
    private final List<Judged> judged = new ArrayList<>();

    ChaosReport(ChaosScript script, List<Outcome> outcomes) {
        this.script = script;
        for (Outcome o : outcomes) {
            judged.add(judge(o, script.phaseOf(o.index())));
        }
        judged.sort((a, b) -> Integer.compare(a.outcome().index(), b.outcome().index()));
    }

    private static Judged judge(Outcome o, int phase) {
        if (o.status() < 0) {
            return new Judged(o, phase, false, false);
        }
        JsonNode root;
        try {
            root = JSON.readTree(o.body());
        } catch (RuntimeException notJson) {
            return new Judged(o, phase, false, false);
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        List<String> ids = items.stream().map(i -> i.path("id").toString()).toList();
        boolean allResults = o.status() == 200 && ids.equals(o.request().ids())
                && items.stream().allMatch(i -> i.has("result") && !i.has("error"));
        if (allResults) {
            return new Judged(o, phase, true, false);
        }
        boolean clear = ids.equals(o.request().ids()) && items.stream()
                .allMatch(i -> i.has("result") || GATEWAY_ERRORS.contains(i.path("error").path("code").asInt()));
        if (!root.isArray()) {
            int code = root.path("error").path("code").asInt();
            clear = clear && (o.status() == 503 && code == -32050 || o.status() == 504 && code == -32051);
        }
        return new Judged(o, phase, false, clear);
    }

    /**
     * Whether the request was in flight while no provider was usable, or was sent within one provider timeout after
     * the nodes returned: with every breaker open, a request gets one last-resort call, which can still meet a
     * connection opened to a frozen node before it resumed.
     */
    private boolean overlapsTotalOutage(Outcome o) {
        return o.endNanos() >= script.totalOutageNanos()
                && o.sentNanos() < script.allBackNanos() + ChaosUnderLoadIT.PROVIDER_TIMEOUT.toNanos();
    }

    List<Judged> hanging() {
        return judged.stream().filter(j -> j.outcome().status() < 0).toList();
    }

    List<Judged> slowerThan(Duration limit) {
        return judged.stream().filter(j -> j.outcome().status() >= 0 && j.outcome().latency().compareTo(limit) > 0).toList();
    }

    List<Judged> failedWhileUsable() {
        return judged.stream().filter(j -> !j.ok() && !overlapsTotalOutage(j.outcome())).toList();
    }

    List<Judged> unclearErrors() {
        return judged.stream().filter(j -> !j.ok() && !j.clearError()).toList();
    }

    long failedDuringTotalOutage() {
        return judged.stream().filter(j -> !j.ok() && overlapsTotalOutage(j.outcome())).count();
    }

    /** Single requests sent in the phase after its fault was applied and answered, by the tier that answered. */
    Map<String, Long> singlesByTierSentInPhase(int phase) {
        long faultAt = script.faults().stream().filter(f -> f.phase() == phase).mapToLong(ChaosScript.Fault::appliedNanos)
                .findFirst().orElse(0L);
        return byTier(judged.stream().filter(j -> j.phase() == phase && j.ok() && j.outcome().sentNanos() >= faultAt));
    }

    /** Singles sent from {@code after} past the recovery allowance until the total outage, by answering tier. */
    Map<String, Long> singlesByTierSentAfterRecovery(Duration after) {
        long from = script.recoveryStartNanos() + after.toNanos();
        return byTier(judged.stream().filter(j -> j.ok() && j.outcome().sentNanos() >= from
                && j.outcome().sentNanos() < script.totalOutageNanos()));
    }

    /** Batches carry no routing headers: only singles count. */
    private static Map<String, Long> byTier(java.util.stream.Stream<Judged> answered) {
        return new TreeMap<>(answered.map(j -> j.outcome().tier()).filter(t -> t != null)
                .collect(Collectors.groupingBy(t -> t, Collectors.counting())));
    }

    /** The share of {@code tier} among the singles counted by tier. */
    static double share(Map<String, Long> byTier, String tier) {
        long all = byTier.values().stream().mapToLong(Long::longValue).sum();
        return all == 0 ? 0 : byTier.getOrDefault(tier, 0L) / (double) all;
    }

    /** Wall time from the recovery allowance passing to the first single answered by tier 1. */
    Duration timeToTierOne() {
        return judged.stream().filter(j -> j.ok() && "local".equals(j.outcome().tier())
                        && j.outcome().sentNanos() >= script.recoveryStartNanos())
                .map(j -> Duration.ofNanos(j.outcome().endNanos() - script.recoveryStartNanos()))
                .min(Duration::compareTo).orElse(null);
    }

    void print() {
        System.out.printf("%nchaos run: %d requests at %d/s in %d phases of %d requests (singles and batches of %d)%n",
                judged.size(), ChaosUnderLoadIT.RATE, ChaosScript.PHASES, script.phaseRequests(), LoadMix.BATCH_SIZE);
        System.out.println("| phase | fault | sent | answered ok | failed | p50 ms | p99 ms | max ms | singles by tier |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (int phase = 0; phase < ChaosScript.PHASES; phase++) {
            int p = phase;
            List<Judged> in = judged.stream().filter(j -> j.phase() == p).toList();
            Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            in.forEach(j -> latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(j.outcome().endNanos() - j.outcome().sentNanos()))));
            Map<String, Long> tiers = new TreeMap<>(in.stream().filter(j -> j.ok() && j.outcome().tier() != null)
                    .collect(Collectors.groupingBy(j -> j.outcome().tier(), Collectors.counting())));
            String fault = script.faults().stream().filter(f -> f.phase() == p).map(ChaosScript.Fault::what)
                    .findFirst().orElse("none (steady state)");
            System.out.printf("| %d | %s | %d | %d | %d | %.1f | %.1f | %.1f | %s |%n", phase, fault, in.size(),
                    in.stream().filter(Judged::ok).count(), in.stream().filter(j -> !j.ok()).count(),
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0, tiers);
        }
        System.out.printf("totals: sent %d, answered %d (ok %d, clear JSON-RPC error %d), left hanging %d; "
                        + "failed while a provider was usable %d; failed during the total outage %d%n",
                judged.size(), judged.size() - hanging().size(), judged.stream().filter(Judged::ok).count(),
                judged.stream().filter(Judged::clearError).count(), hanging().size(), failedWhileUsable().size(),
                failedDuringTotalOutage());
        Duration toTierOne = timeToTierOne();
        System.out.printf("back on tier 1 %s ms (wall) after the recovery allowance passed on the clock%n",
                toTierOne == null ? "never" : Long.toString(toTierOne.toMillis()));
        failedWhileUsable().stream().limit(10).forEach(j -> System.out.printf("  failed while usable: #%d phase %d %d %s%n",
                j.outcome().index(), j.phase(), j.outcome().status(), clip(j.outcome().body())));
        unclearErrors().stream().limit(10).forEach(j -> System.out.printf("  unclear: #%d phase %d %d %s%n",
                j.outcome().index(), j.phase(), j.outcome().status(), clip(j.outcome().body())));
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
