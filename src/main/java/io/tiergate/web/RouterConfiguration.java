package io.tiergate.web;

import io.tiergate.config.TiergateProperties;
import io.tiergate.routing.RequestRouter;
import io.tiergate.selection.Selector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The failover router behind the JSON-RPC endpoints. */
@Configuration(proxyBeanMethods = false)
public class RouterConfiguration {

    @Bean
    public RequestRouter requestRouter(Selector selector, TiergateProperties properties) {
        return new RequestRouter(selector, properties.maxResponseSize().toString());
    }
}
