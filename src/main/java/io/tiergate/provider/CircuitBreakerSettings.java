package io.tiergate.provider;

import java.time.Duration;

/** A network's circuit breaker, resolved: opens after {@code failureThreshold} failures in a row. */
public record CircuitBreakerSettings(boolean enabled, int failureThreshold, Duration openDuration) {
}
