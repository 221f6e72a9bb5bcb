package io.tiergate.routing;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.NetworkRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Per-network state of broadcast, hedging, the answer cache and coalescing. */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {

    @Bean
    public PathRegistry pathRegistry(NetworkRegistry networks, MeterRegistry meters) {
        return new PathRegistry(networks, meters);
    }
}
