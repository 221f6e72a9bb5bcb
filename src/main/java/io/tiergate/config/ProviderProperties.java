package io.tiergate.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One provider. {@code url} may contain {@code {api-key}}, filled from {@code api-key}; the key is
 * kept apart so it can be redacted wherever the provider is shown.
 */
public record ProviderProperties(
        String name,
        String url,
        String wsUrl,
        String apiKey,
        Integer weight,
        Duration timeout,
        Integer maxFailures,
        Duration healthCheckInterval,
        Map<String, String> headers,
        QuotaProperties rateLimit,
        MethodsProperties methods) {

    /** {@code rate-limit}: at most {@code requests} JSON-RPC calls per {@code period}. */
    public record QuotaProperties(Long requests, Duration period) {
    }

    /**
     * {@code methods}: which JSON-RPC methods this provider gets (globs). With {@code allow}, only those; never
     * those in {@code deny} (deny wins).
     */
    public record MethodsProperties(List<String> allow, List<String> deny) {
    }
}
