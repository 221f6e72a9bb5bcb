package io.tiergate.metrics;

import java.util.Locale;

/** How one call to a provider ended, as counted in {@code tiergate_upstream_calls_total}. */
public enum UpstreamOutcome {
    SUCCESS, ERROR, FAULT, TIMEOUT, CONNECTION, RATE_LIMITED, TOO_LARGE;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
