package io.tiergate.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import lombok.extern.slf4j.Slf4j;

/**
 * Caps the connections open on the JSON-RPC port, so a flood of connections cannot use up the descriptors that
 * provider connections need. At the cap a connection kept alive after its answer (idle, no request under way) is
 * closed to make room, as nginx reuses keep-alive connections; when there is none the new connection is closed as
 * soon as it is accepted, before a byte is read.
 */
@Slf4j
@ChannelHandler.Sharable
public final class ConnectionCap extends ChannelInboundHandlerAdapter {

    /** Share of the descriptor limit the JSON-RPC port may use by default; the rest is for providers, files, Redis. */
    static final double SHARE_OF_DESCRIPTORS = 0.7;
    /** Used when the descriptor limit cannot be read (not a Unix JVM). */
    static final int FALLBACK = 10_000;
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("tiergate.counted");

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final ServerMetrics metrics;

    ConnectionCap(int max, ServerMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    /** 70% of the process's descriptor limit (the soft nofile limit the JVM runs with). */
    static int derived() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, unix.getMaxFileDescriptorCount() * SHARE_OF_DESCRIPTORS));
        }
        return FALLBACK;
    }

    public int max() {
        return max;
    }

    public int open() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max && !closeAnIdleOne()) {
            open.decrementAndGet();
            metrics.refused();
            log.debug("Connection from {} refused: {} connections open", ctx.channel().remoteAddress(), max);
            ctx.close();
            return;
        }
        ctx.channel().attr(COUNTED).set(Boolean.TRUE);
        channels.add(ctx.channel());
        ctx.fireChannelActive();
    }

    /** Closes one kept-alive idle connection; the new one takes its place (the count drops when it is closed). */
    private boolean closeAnIdleOne() {
        for (Channel channel : channels) {
            if (channel.attr(RequestHeadDeadline.KEPT_ALIVE_IDLE).compareAndSet(Boolean.TRUE, null)) {
                metrics.idleClosedAtCap();
                channel.close();
                return true;
            }
        }
        return false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
            channels.remove(ctx.channel());
            open.decrementAndGet();
        }
        ctx.fireChannelInactive();
    }
}
