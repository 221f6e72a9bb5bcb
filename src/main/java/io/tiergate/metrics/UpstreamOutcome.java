package io.tiergate.metrics;

import java.util.Locale;

/**
 * How one call to a provider ended, as counted in {@code tiergate_upstream_calls_total}; CIRCUIT_OPEN is a
 * call its open circuit breaker refused, so it never went out.
 */
public enum UpstreamOutcome {
    SUCCESS, ERROR, FAULT, TIMEOUT, CONNECTION, RATE_LIMITED, TOO_LARGE, CIRCUIT_OPEN;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
