package io.tiergate.server;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The phase timeouts on the management port's own server (its child context does not see the application's
 * factory customizers). Listed in {@code META-INF/spring/...ManagementContextConfiguration.imports}.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@Conditional(ManagementChildContext.class)
public class ManagementServerLimits {

    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> managementPortTimeouts(ClientTimeouts timeouts) {
        return factory -> factory.addServerCustomizers(timeouts.customizer());
    }
}
