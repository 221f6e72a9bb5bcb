package io.tiergate.config;

import static io.tiergate.config.PropertyChecks.list;

import java.util.ArrayList;
import java.util.List;

/** A provider's properties and the keys a user wrote them under (endpoints have no keys of their own). */
record ProviderSource(ProviderProperties properties, String nameKey, String urlKey, String weightKey, String key) {

    /** A provider added at run time: problems are reported against the field names of the request body. */
    static ProviderSource added(ProviderProperties p) {
        return new ProviderSource(p, "name", "url", "weight", "provider");
    }

    /** The tier's providers in order; {@code endpoints} replace them when set. */
    static List<ProviderSource> of(TierProperties tier, String tierKey) {
        List<ProviderSource> out = new ArrayList<>();
        List<String> endpoints = list(tier.endpoints()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (!endpoints.isEmpty()) {
            for (int i = 0; i < endpoints.size(); i++) {
                String key = tierKey + ".endpoints[" + i + "]";
                out.add(new ProviderSource(new ProviderProperties(tier.name() + "_" + (i + 1), endpoints.get(i), null,
                        null, tier.endpointWeight(), null, null, null, null, null, null), key, key,
                        tierKey + ".endpoint-weight", key));
            }
            return out;
        }
        List<ProviderProperties> providers = list(tier.providers());
        for (int i = 0; i < providers.size(); i++) {
            String key = tierKey + ".providers[" + i + "]";
            out.add(new ProviderSource(providers.get(i), key + ".name", key + ".url", key + ".weight", key));
        }
        return out;
    }
}
