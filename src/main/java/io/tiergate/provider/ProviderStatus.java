package io.tiergate.provider;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Derives what a provider's state means from its one source for each question: the breaker says whether it
 * is down, the backoff whether it rests, probes the rest. Read-only: an open breaker whose wait is over is
 * seen as due for a trial without asking it for a permit, which would move it to half-open.
 */
final class ProviderStatus {

    private ProviderStatus() {
    }

    /** Open, half-open (its trial not yet answered) or forced open: the breaker says the provider is down. */
    static boolean down(CircuitBreaker.State state) {
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.HALF_OPEN
                || state == CircuitBreaker.State.FORCED_OPEN;
    }

    static HealthState state(Provider p) {
        HealthState probed = p.health().state();
        if (probed == HealthState.MISCONFIGURED) {
            return probed;
        }
        if (p.breakerDown() || probed == HealthState.DOWN) {
            return HealthState.DOWN;
        }
        if (p.backoff().isActive()) {
            return HealthState.RATE_LIMITED;
        }
        return probed;
    }

    static Availability availability(Provider p) {
        if (p.adminState() == AdminState.DRAINED) {
            return Availability.DRAINED;
        }
        HealthState probed = p.health().state();
        if (probed == HealthState.MISCONFIGURED) {
            return Availability.MISCONFIGURED;
        }
        CircuitBreaker.State circuit = p.breaker().getState();
        if (circuit == CircuitBreaker.State.FORCED_OPEN
                || circuit == CircuitBreaker.State.OPEN && !openWaitOver(p)) {
            return Availability.CIRCUIT_OPEN;
        }
        if (probed == HealthState.DOWN) {
            return Availability.DOWN;
        }
        if (p.backoff().isActive()) {
            return Availability.RATE_LIMITED;
        }
        if (p.quota().isExhausted()) {
            return Availability.QUOTA_EXHAUSTED;
        }
        if (probed == HealthState.LAGGING) {
            return Availability.LAGGING;
        }
        if (probed == HealthState.SYNCING) {
            return Availability.SYNCING;
        }
        return Availability.USABLE;
    }

    static boolean trialDue(Provider p) {
        CircuitBreaker.State circuit = p.breaker().getState();
        return circuit == CircuitBreaker.State.HALF_OPEN || circuit == CircuitBreaker.State.OPEN && openWaitOver(p);
    }

    /** The breaker's own wait, from its configuration (a user's Customizer may have changed it). */
    private static boolean openWaitOver(Provider p) {
        long wait = p.breaker().getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
        return p.clock().millis() >= p.openedAtMillis() + wait;
    }

    /** Why a provider is in {@code state}, for the transition's log line and event. */
    static String reason(Provider p, HealthState state) {
        return switch (state) {
            case DOWN -> p.breakerDown() ? "circuit breaker " + p.breaker().getState().name().toLowerCase()
                    + lastError(p) : p.health().reason();
            case RATE_LIMITED -> "resting after a rate limit" + lastError(p);
            default -> p.health().reason();
        };
    }

    private static String lastError(Provider p) {
        String error = p.health().lastError();
        return error == null ? "" : " (last error: " + error + ")";
    }
}
