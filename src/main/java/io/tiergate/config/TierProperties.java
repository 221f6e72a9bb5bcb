package io.tiergate.config;

import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One tier; list order is priority. When {@code endpoints} is not empty (e.g. from
 * PUBLIC_RPC_ENDPOINTS) it replaces {@code providers} with one provider per URL.
 */
public record TierProperties(
        String name,
        @DefaultValue("true") boolean enabled,
        List<String> endpoints,
        @DefaultValue("100") int endpointWeight,
        List<ProviderProperties> providers) {
}
