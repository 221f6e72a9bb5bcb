package io.tiergate.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.routing.PathRegistry;
import io.tiergate.routing.RequestRouter;
import io.tiergate.selection.Selector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The router, and the per-network state of broadcast and hedging (here, where the bound properties are read). */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {

    @Bean
    public PathRegistry pathRegistry(NetworkRegistry networks, MeterRegistry meters) {
        return new PathRegistry(networks, meters);
    }

    @Bean
    public RequestRouter requestRouter(Selector selector, TiergateProperties properties, RequestMetrics metrics,
            PathRegistry paths) {
        return new RequestRouter(selector, properties.maxResponseSize().toString(), metrics, paths,
                properties.upstreamBatchSize());
    }
}
