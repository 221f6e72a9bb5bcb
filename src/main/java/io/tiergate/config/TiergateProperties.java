package io.tiergate.config;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code tiergate.*}, as bound. Read once at start-up by {@link NetworkDefinitions};
 * nothing writes back into it.
 */
@ConfigurationProperties("tiergate")
public record TiergateProperties(
        @DefaultValue("ethereum") String defaultNetwork,
        Map<String, NetworkProperties> networks,
        @DefaultValue("1000") int maxBatchSize,
        @DefaultValue("100") int upstreamBatchSize,
        @DefaultValue("5MB") DataSize maxRequestSize,
        @DefaultValue("128MB") DataSize maxResponseSize,
        @DefaultValue("true") boolean routingHeaders) {
}
