package io.tiergate.provider;

import java.time.Duration;
import java.util.List;

/** A network as configured, validated and with defaults resolved. */
public record NetworkDefinition(
        String name,
        Long chainId,
        StrategyType strategy,
        Duration requestTimeout,
        int maxAttempts,
        int maxLagBlocks,
        CircuitBreakerSettings circuitBreaker,
        BackoffSettings rateLimitBackoff,
        List<String> allowMethods,
        List<String> denyMethods,
        List<TierDefinition> tiers,
        RequestPaths paths) {
}
