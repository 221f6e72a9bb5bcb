package io.tiergate.rpc;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.config.TiergateProperties;
import io.tiergate.metrics.MetricsProperties;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.routing.RequestRouter;
import io.tiergate.rpc.read.Reads;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The JSON-RPC service both transports hand their messages to, its read path and its request meters. */
@Configuration(proxyBeanMethods = false)
public class RpcConfiguration {

    @Bean
    public Reads reads(NetworkRegistry networks, MeterRegistry meters, RequestRouter router) {
        return new Reads(networks, meters, router);
    }

    @Bean
    public JsonRpcService jsonRpcService(TiergateProperties properties, RequestRouter router, Reads reads,
            RequestMetrics metrics) {
        return new JsonRpcService(properties.maxBatchSize(), router, reads, metrics);
    }

    @Bean
    public RequestMetrics requestMetrics(MeterRegistry registry, MetricsProperties properties) {
        return new RequestMetrics(registry, properties);
    }
}
