package io.tiergate.selection;

import io.tiergate.provider.Provider;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Even rotation over the usable providers of the tier, whatever their weights. */
final class RoundRobinStrategy implements SelectionStrategy {

    private final AtomicLong next = new AtomicLong();

    @Override
    public Provider pick(List<Provider> candidates, long nowMillis) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }
}
