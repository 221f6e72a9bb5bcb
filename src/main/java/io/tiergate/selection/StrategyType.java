package io.tiergate.selection;

import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The strategies a network can name in {@code strategy:}. */
public enum StrategyType {
    PRIORITY_WEIGHTED("priority-weighted", SelectionStrategy::priorityWeighted),
    ROUND_ROBIN("round-robin", SelectionStrategy::roundRobin),
    LEAST_CONNECTIONS("least-connections", SelectionStrategy::leastConnections);

    private final String configName;
    private final Supplier<SelectionStrategy> factory;

    StrategyType(String configName, Supplier<SelectionStrategy> factory) {
        this.configName = configName;
        this.factory = factory;
    }

    public String configName() {
        return configName;
    }

    public SelectionStrategy newStrategy() {
        return factory.get();
    }

    /** Accepts the documented kebab-case names, case-insensitively; null when unknown. */
    public static StrategyType fromConfig(String value) {
        if (value == null) {
            return null;
        }
        String normalized = value.trim().toLowerCase().replace('_', '-');
        for (StrategyType type : values()) {
            if (type.configName.equals(normalized)) {
                return type;
            }
        }
        return null;
    }

    public static String names() {
        return Arrays.stream(values()).map(StrategyType::configName).collect(Collectors.joining(", "));
    }
}
