package io.tiergate.selection;

import io.tiergate.provider.Provider;
import java.util.List;

/** Fewest requests in flight; ties go to the higher weight, then to list order. */
final class LeastConnectionsStrategy implements SelectionStrategy {

    @Override
    public Provider pick(List<Provider> candidates, long nowMillis) {
        Provider best = candidates.get(0);
        for (int i = 1; i < candidates.size(); i++) {
            Provider p = candidates.get(i);
            int byLoad = Integer.compare(p.inFlight(), best.inFlight());
            if (byLoad < 0 || byLoad == 0 && p.weight() > best.weight()) {
                best = p;
            }
        }
        return best;
    }
}
