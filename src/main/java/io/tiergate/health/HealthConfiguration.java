package io.tiergate.health;

import io.tiergate.config.HealthProbeProperties;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Tier;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health of providers, tiers and networks: the active prober, and the Actuator contributor
 * {@code tiergate} with one component per network and, within it, one per tier plus {@code serving}
 * ({@code /actuator/health/tiergate/ethereum/local}).
 */
@Configuration(proxyBeanMethods = false)
public class HealthConfiguration {

    @Bean
    @ConditionalOnProperty(name = "tiergate.health.enabled", havingValue = "true", matchIfMissing = true)
    public HealthProber healthProber(NetworkRegistry registry, Clock clock, HealthProbeProperties properties) {
        return new HealthProber(registry, clock, properties.tick());
    }

    @Bean
    public HealthContributor tiergate(NetworkRegistry registry) {
        Map<String, HealthContributor> networks = new LinkedHashMap<>();
        for (Network network : registry.networks()) {
            Map<String, HealthContributor> components = new LinkedHashMap<>();
            for (Tier tier : network.tiers()) {
                components.put(tier.name(), new TierHealthIndicator(network, tier));
            }
            components.put("serving", new ServingHealthIndicator(network));
            networks.put(network.name(), CompositeHealthContributor.fromMap(components));
        }
        return CompositeHealthContributor.fromMap(networks);
    }

    /** In the readiness group: ready once each network has a usable provider that answered. */
    @Bean
    public HealthContributor providersAnswered(NetworkRegistry registry) {
        return new AnsweredHealthIndicator(registry);
    }

    @Bean
    public StatusAggregator healthStatusAggregator() {
        return ServingAwareStatusAggregator.withDefaultOrder();
    }
}
