package io.tiergate.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
        List<TierProperties> tiers,
        @DefaultValue BroadcastProperties broadcast,
        @DefaultValue HedgeProperties hedge,
        @DefaultValue CacheProperties cache,
        @DefaultValue CoalescingProperties coalescing,
        @DefaultValue LocalAnswersProperties localAnswers,
        @DefaultValue("10m") Duration methodNotFoundTtl) {

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

    /**
     * {@code broadcast}: how eth_sendRawTransaction leaves tiergate. {@code extra-providers} (names of this
     * network's providers, any tier) get every broadcast too, e.g. private relays.
     */
    public record BroadcastProperties(
            @DefaultValue("all-in-tier") String mode,
            List<String> extraProviders) {
    }

    /**
     * {@code hedge}: a read whose provider has not answered after {@code delay} (or, with {@code quantile}, that
     * quantile of the provider's recent latencies) also goes to the next provider; at most {@code max-in-flight}
     * such extra calls at once per network.
     */
    public record HedgeProperties(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("100ms") Duration delay,
            Double quantile,
            @DefaultValue("10") int maxInFlight) {
    }

    /** {@code cache}: immutable answers (deep blocks, transactions and receipts), at most {@code max-size} bytes. */
    public record CacheProperties(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("64MB") DataSize maxSize,
            @DefaultValue("12") int confirmations) {
    }

    /** {@code coalescing}: identical reads in flight at the same moment share one upstream call. */
    public record CoalescingProperties(
            @DefaultValue("true") boolean enabled) {
    }

    /** {@code local-answers}: eth_chainId and net_version answered from the verified chain id. */
    public record LocalAnswersProperties(
            @DefaultValue("true") boolean enabled) {
    }
}
