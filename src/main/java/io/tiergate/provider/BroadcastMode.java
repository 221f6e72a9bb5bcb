package io.tiergate.provider;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a network sends eth_sendRawTransaction on (its {@code broadcast.mode}). */
public enum BroadcastMode {
    /** In parallel to every usable provider of the serving tier and to the extra providers; first acceptance wins. */
    ALL_IN_TIER("all-in-tier"),
    /**
     * One provider at a time in failover order until one accepts. Unlike other writes it moves on after a
     * failure that may have delivered it: a signed transaction has one hash and is included at most once.
     */
    FIRST_SUCCESS("first-success"),
    /** Like any other write: one provider, sent elsewhere only when it surely did not arrive. */
    SINGLE("single");

    private final String configName;

    BroadcastMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Accepts the documented kebab-case names, case-insensitively; null when unknown. */
    public static BroadcastMode fromConfig(String value) {
        if (value == null) {
            return null;
        }
        String normalized = value.trim().toLowerCase().replace('_', '-');
        for (BroadcastMode mode : values()) {
            if (mode.configName.equals(normalized)) {
                return mode;
            }
        }
        return null;
    }

    public static String names() {
        return Arrays.stream(values()).map(BroadcastMode::configName).collect(Collectors.joining(", "));
    }
}
