package io.tiergate.web;

import io.tiergate.config.TiergateProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.metrics.MetricsProperties;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.routing.PathRegistry;
import io.tiergate.routing.RequestRouter;
import io.tiergate.selection.Selector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The failover router behind the JSON-RPC endpoints. */
@Configuration(proxyBeanMethods = false)
public class RouterConfiguration {

    @Bean
    public RequestRouter requestRouter(Selector selector, TiergateProperties properties, RequestMetrics metrics,
            PathRegistry paths) {
        return new RequestRouter(selector, properties.maxResponseSize().toString(), metrics, paths);
    }

    @Bean
    public RequestMetrics requestMetrics(MeterRegistry registry, MetricsProperties properties) {
        return new RequestMetrics(registry, properties);
    }
}
