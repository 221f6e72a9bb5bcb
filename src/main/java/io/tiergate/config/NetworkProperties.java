package io.tiergate.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One network ({@code tiergate.networks.<name>}). {@code timeout}, {@code max-failures} and
 * {@code health-check-interval} are defaults that a provider may override.
 */
public record NetworkProperties(
        Long chainId,
        @DefaultValue("priority-weighted") String strategy,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("3") int maxFailures,
        @DefaultValue("30s") Duration healthCheckInterval,
        @DefaultValue("3") int maxLagBlocks,
        @DefaultValue CircuitBreakerProperties circuitBreaker,
        @DefaultValue RateLimitBackoffProperties rateLimitBackoff,
        List<String> allowMethods,
        List<String> denyMethods,
        List<TierProperties> tiers) {

    /** {@code circuit-breaker}: opens after {@code failure-threshold} failures in a row. */
    public record CircuitBreakerProperties(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("3") int failureThreshold,
            @DefaultValue("60s") Duration openDuration) {
    }

    /** {@code rate-limit-backoff}: a rate-limited provider rests min(initial x 2^n, max). */
    public record RateLimitBackoffProperties(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("60s") Duration initial,
            @DefaultValue("900s") Duration max) {
    }
}
