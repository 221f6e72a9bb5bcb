package io.tiergate.selection;

import io.tiergate.provider.Provider;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Weighted random choice over each candidate's {@link HealthScore}. */
final class PriorityWeightedStrategy implements SelectionStrategy {

    @Override
    public Provider pick(List<Provider> candidates, long nowMillis) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        double[] cumulative = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += HealthScore.of(candidates.get(i), nowMillis);
            cumulative[i] = total;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (total <= 0) {
            // Every candidate weighs 0: still serve, evenly, rather than refuse.
            return candidates.get(random.nextInt(n));
        }
        double point = random.nextDouble(total);
        for (int i = 0; i < n; i++) {
            if (point < cumulative[i]) {
                return candidates.get(i);
            }
        }
        return candidates.get(n - 1);
    }
}
