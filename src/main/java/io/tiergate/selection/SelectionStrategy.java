package io.tiergate.selection;

import io.tiergate.provider.Provider;
import io.tiergate.provider.StrategyType;
import java.util.List;

/**
 * Picks one provider among the usable, untried providers of a tier. One instance per tier, so a
 * strategy's state (a rotation counter) is that tier's alone.
 */
public interface SelectionStrategy {

    /** {@code candidates} is never empty. */
    Provider pick(List<Provider> candidates, long nowMillis);

    /** A new instance of the strategy a network names, with state of its own. */
    static SelectionStrategy of(StrategyType type) {
        return switch (type) {
            case PRIORITY_WEIGHTED -> priorityWeighted();
            case ROUND_ROBIN -> roundRobin();
            case LEAST_CONNECTIONS -> leastConnections();
        };
    }

    static SelectionStrategy priorityWeighted() {
        return new PriorityWeightedStrategy();
    }

    static SelectionStrategy roundRobin() {
        return new RoundRobinStrategy();
    }

    static SelectionStrategy leastConnections() {
        return new LeastConnectionsStrategy();
    }
}
