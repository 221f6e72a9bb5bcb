package io.tiergate.web;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** JSON-RPC over HTTP: {@code POST /} for the default network, {@code POST /{network}} for a named one. */
@Configuration(proxyBeanMethods = false)
public class JsonRpcRoutes {

    @Bean
    public RouterFunction<ServerResponse> jsonRpcRouter(JsonRpcHandler handler) {
        return route(POST("/"), handler::handleDefault)
                .andRoute(POST("/{network}"), handler::handleNamed);
    }
}
