package io.tiergate.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import lombok.extern.slf4j.Slf4j;

/**
 * Disconnects a client that has taken none of its pending answer for {@code timeout} (nginx's send_timeout): the
 * timer runs from the last write or the last bytes the socket took, so a slow but steady reader of a large answer
 * is not cut, and a connection with nothing to send is never closed by it.
 */
@Slf4j
final class StalledWriteHandler extends IdleStateHandler {

    private final Runnable onStall;

    StalledWriteHandler(Duration timeout, Runnable onStall) {
        super(true, 0, timeout.toNanos(), 0, TimeUnit.NANOSECONDS);
        this.onStall = onStall;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        long pending = pending(ctx);
        if (event.state() == IdleState.WRITER_IDLE && pending > 0) {
            log.debug("Client {} took none of {} pending bytes in time: disconnected", ctx.channel().remoteAddress(), pending);
            onStall.run();
            ctx.close();
        }
    }

    private static long pending(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
