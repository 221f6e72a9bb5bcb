package io.tiergate.config;

import java.time.Duration;
import java.util.List;

/** The value checks shared by network and provider resolution; each names the key it is given. */
final class PropertyChecks {

    private PropertyChecks() {
    }

    static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidConfigurationException(key, "must be a positive duration (e.g. 5s)");
        }
    }

    static void atLeastOne(String key, int value) {
        if (value < 1) {
            throw new InvalidConfigurationException(key, "must be at least 1 (was " + value + ")");
        }
    }

    /** Lists left out of the configuration are bound as null. */
    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : value;
    }
}
