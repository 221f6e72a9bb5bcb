package io.tiergate.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import lombok.extern.slf4j.Slf4j;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Applies {@link ServerLimitsProperties} to the JSON-RPC port's reactor-netty server: the phase timeouts and the
 * connection cap. {@link ManagementServerLimits} applies the same timeouts to the management port.
 */
@Slf4j
@Configuration(proxyBeanMethods = false)
public class ServerLimitsConfiguration {

    @Bean
    public ServerMetrics serverMetrics(MeterRegistry registry) {
        return new ServerMetrics(registry);
    }

    @Bean
    public ClientTimeouts clientTimeouts(ServerLimitsProperties limits, ServerMetrics metrics) {
        return new ClientTimeouts(limits, metrics);
    }

    @Bean
    public ConnectionCap connectionCap(ServerLimitsProperties limits, ServerMetrics metrics, MeterRegistry registry) {
        int max = limits.maxConnections() != null ? limits.maxConnections() : ConnectionCap.derived();
        log.info("JSON-RPC port accepts at most {} connections{}", max,
                limits.maxConnections() != null ? "" : " (70% of the descriptor limit; tiergate.server.max-connections)");
        ConnectionCap cap = new ConnectionCap(max, metrics);
        Gauge.builder("tiergate.server.connections.open", cap, ConnectionCap::open)
                .description("connections open on the JSON-RPC port").register(registry);
        Gauge.builder("tiergate.server.connections.max", cap, ConnectionCap::max)
                .description("tiergate.server.max-connections in effect").register(registry);
        return cap;
    }

    @Bean
    public WebServerFactoryCustomizer<NettyReactiveWebServerFactory> jsonRpcPortLimits(ClientTimeouts timeouts,
            ConnectionCap cap) {
        return factory -> factory.addServerCustomizers(timeouts.customizer(), http -> http.doOnChannelInit(
                (observer, channel, address) -> channel.pipeline().addFirst("tiergate.connectionCap", cap)));
    }
}
