package io.tiergate.server;

import java.time.Duration;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/** The phase timeouts of {@link ServerLimitsProperties} as a customizer of a reactor-netty server, for either port. */
public final class ClientTimeouts {

    private final ServerLimitsProperties limits;
    private final ServerMetrics metrics;

    ClientTimeouts(ServerLimitsProperties limits, ServerMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    NettyServerCustomizer customizer() {
        Duration header = limits.headerTimeout();
        Duration write = limits.writeTimeout();
        // idleTimeout: before the first request and between kept-alive ones; readTimeout: between reads of a body
        return http -> http
                .idleTimeout(limits.idleTimeout())
                .readTimeout(limits.bodyTimeout())
                .doOnChannelInit((observer, channel, address) -> {
                    RequestHeadDeadline.install(channel.pipeline(), header, metrics::headerTimeout);
                    channel.pipeline().addFirst("tiergate.writeTimeout", new StalledWriteHandler(write, metrics::writeTimeout));
                });
    }
}
