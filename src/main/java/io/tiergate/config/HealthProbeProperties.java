package io.tiergate.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tiergate.health.*}: active probes. {@code tick} is how often the prober looks for probes that
 * are due (each provider's own {@code health-check-interval} decides when one is).
 */
@ConfigurationProperties("tiergate.health")
public record HealthProbeProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("200ms") Duration tick) {
}
