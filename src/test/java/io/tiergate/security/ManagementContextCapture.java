package io.tiergate.security;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;

/**
 * Keeps hold of the management server's child context (its web-server-initialized event reaches the parent's
 * listeners), so a test can ask it which routes the management port really serves.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ManagementContextCapture {

    /** The management server's context, once its server runs. */
    public static final class ManagementContext implements ApplicationListener<WebServerInitializedEvent> {

        private volatile ApplicationContext context;

        @Override
        public void onApplicationEvent(WebServerInitializedEvent event) {
            if ("management".equals(event.getApplicationContext().getServerNamespace())) {
                context = event.getApplicationContext();
            }
        }

        public ApplicationContext context() {
            if (context == null) {
                throw new IllegalStateException("the management server has not started (management.server.port set?)");
            }
            return context;
        }

        /** The router function the management server's functional-endpoint mapping serves. */
        public RouterFunction<?> servedRoutes() {
            RouterFunction<?> routes = context().getBean(RouterFunctionMapping.class).getRouterFunction();
            if (routes == null) {
                throw new IllegalStateException("the management server serves no router function");
            }
            return routes;
        }
    }

    @Bean
    ManagementContext managementContext() {
        return new ManagementContext();
    }
}
