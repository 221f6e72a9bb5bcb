package io.tiergate.provider;

import io.tiergate.policy.MethodLists;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * A provider as configured, with every default resolved. Immutable; the live state sits in
 * {@link Provider}. {@code url} and {@code headers} may hold secrets: show {@code redactedUrl}.
 * {@code methods} has non-null lists (empty allow: every method).
 */
public record ProviderDefinition(
        String name,
        String network,
        String tier,
        URI url,
        String redactedUrl,
        URI wsUrl,
        int weight,
        Duration timeout,
        int maxFailures,
        Duration healthCheckInterval,
        Map<String, String> headers,
        Quota.Spec quota,
        MethodLists methods) {

    @Override
    public String toString() {
        return name + " (" + tier + ", " + redactedUrl + ")";
    }
}
