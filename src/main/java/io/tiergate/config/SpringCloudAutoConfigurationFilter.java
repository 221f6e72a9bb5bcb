package io.tiergate.config;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;

/**
 * Keeps Spring Cloud's auto-configurations out. tiergate uses Spring Cloud CircuitBreaker's Resilience4j factory as a
 * library (io.tiergate.provider.Breakers builds it over tiergate's registry); the auto-configurations that come with
 * it would bind the breaker metrics a second time with a {@code group} tag on every resilience4j meter, and add
 * discovery clients with their own health components, a compatibility check and HTTP-client configurers, none used.
 */
public final class SpringCloudAutoConfigurationFilter implements AutoConfigurationImportFilter {

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean[] match = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < match.length; i++) {
            String name = autoConfigurationClasses[i];
            match[i] = name == null || !name.startsWith("org.springframework.cloud.");
        }
        return match;
    }
}
