package io.tiergate.websocket;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.rpc.JsonRpcService;
import io.tiergate.rpc.read.Reads;
import io.tiergate.selection.Selector;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;

/** JSON-RPC over WebSocket on the JSON-RPC port, with shared upstream subscriptions. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tiergate.websocket.enabled", havingValue = "true", matchIfMissing = true)
public class WebSocketConfiguration {

    @Bean
    WebSocketMetrics webSocketMetrics(MeterRegistry registry) {
        return new WebSocketMetrics(registry);
    }

    @Bean(destroyMethod = "close")
    SubscriptionHub subscriptionHub(NetworkRegistry registry, Reads reads, Selector selector, Clock clock,
            WebSocketProperties properties, WebSocketMetrics metrics) {
        return new SubscriptionHub(registry, reads, selector, clock, properties, metrics);
    }

    @Bean
    JsonRpcWebSocketHandler jsonRpcWebSocketHandler(NetworkRegistry networks, JsonRpcService service,
            SubscriptionHub hub, WebSocketProperties properties, WebSocketMetrics metrics) {
        return new JsonRpcWebSocketHandler(networks,
                new ClientRequests(service, hub, properties.maxSubscriptionsPerConnection()), properties, metrics);
    }

    @Bean
    WebSocketShutdown webSocketShutdown(JsonRpcWebSocketHandler handler) {
        return new WebSocketShutdown(handler);
    }

    @Bean
    UpgradeHandlerMapping webSocketUpgradeMapping(JsonRpcWebSocketHandler handler) {
        return new UpgradeHandlerMapping(handler);
    }

    /**
     * WebFlux's own WebSocketHandlerAdapter takes this service: client frames, and messages made of several frames,
     * are capped at max-message-size (close 1009).
     */
    @Bean
    WebFluxConfigurer webSocketFrameLimit(WebSocketProperties properties) {
        int maxFrame = (int) properties.maxMessageSize().toBytes();
        return new WebFluxConfigurer() {
            @Override
            public WebSocketService getWebSocketService() {
                return new HandshakeWebSocketService(new LimitedUpgradeStrategy(maxFrame));
            }
        };
    }
}
