package io.tiergate.admin.web;

import io.tiergate.admin.AdminOperations;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin REST API, served by the management server only (listed in
 * {@code META-INF/spring/...ManagementContextConfiguration.imports}; {@link ManagementServerCondition} keeps
 * component scanning from serving it on the JSON-RPC port too). {@link AdminSecurity} guards it.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@Conditional(ManagementServerCondition.class)
public class AdminRoutes {

    @Bean
    RouterFunction<ServerResponse> adminRouter(AdminOperations operations, ObjectProvider<JsonMapper> mappers) {
        AdminHandler h = new AdminHandler(operations, new AdminJson(mappers.getIfUnique(() -> JsonMapper.builder().build())));
        String provider = "/networks/{network}/providers/{name}";
        return RouterFunctions.route()
                .path("/admin", admin -> admin
                        .GET("/networks", h::networks)
                        .GET("/networks/{network}/providers", h::providers)
                        .POST("/networks/{network}/providers", h::add)
                        .GET(provider, h::provider)
                        .DELETE(provider, h::remove)
                        .POST(provider + "/drain", h::drain)
                        .PUT(provider + "/weight", h::setWeight)
                        .DELETE(provider + "/weight", h::restoreWeight)
                        .POST(provider + "/reinstate", h::reinstate)
                        .GET("/status", h::status)
                        .GET("/audit", h::audit)
                        .route(RequestPredicates.all(), h::noRoute))
                // Also what a handler throws before it returns its Mono.
                .filter((request, next) -> Mono.defer(() -> next.handle(request))
                        .onErrorResume(failure -> h.failure(failure, request)))
                .build();
    }
}
