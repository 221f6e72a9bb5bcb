package io.tiergate.provider;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The strategies a network can name in {@code strategy:}; the selection package maps each to its implementation. */
public enum StrategyType {
    PRIORITY_WEIGHTED("priority-weighted"),
    ROUND_ROBIN("round-robin"),
    LEAST_CONNECTIONS("least-connections");

    private final String configName;

    StrategyType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
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
