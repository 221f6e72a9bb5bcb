package io.tiergate.web;

import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;

/**
 * JSON-RPC over HTTP: {@code POST /} for the default network, {@code POST /{network}} for a named one.
 *
 * <p>Served by a decorator around the JSON-RPC port's {@code HttpHandler}, below Spring's WebHandler chain
 * (exchange, observation, filters, dispatcher, router functions, message writers): that chain cost more
 * CPU per request than everything tiergate itself does (see docs/performance.md). Every other request
 * still goes through the chain. Boot applies this customizer to the main port only; the management
 * port builds its own handler without it.
 */
@Configuration(proxyBeanMethods = false)
public class JsonRpcRoutes {

    @Bean
    public WebHttpHandlerBuilderCustomizer jsonRpcEndpoint(JsonRpcHandler handler, CorsProperties cors) {
        CorsConfiguration configuration = cors.configuration();
        return builder -> builder.httpHandlerDecorator(next -> new JsonRpcEndpoint(handler, next, configuration));
    }
}
