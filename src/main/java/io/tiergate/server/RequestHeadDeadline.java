package io.tiergate.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.NettyPipeline;

/**
 * Closes a connection whose request line and headers are not complete {@code timeout} after their first byte
 * (slowloris). reactor-netty's idle timeout cannot do it: its timer sits after the HTTP decoder, which passes
 * nothing on until the head is whole, so it counts from the last answer, not from the first byte of the request.
 * Two handlers share one timer: one before the decoder sees the first byte, one after it sees the head decoded.
 */
final class RequestHeadDeadline {

    /** True on a connection kept alive after an answer until the next request's first byte: {@link ConnectionCap} may close it. */
    static final AttributeKey<Boolean> KEPT_ALIVE_IDLE = AttributeKey.valueOf("tiergate.keptAliveIdle");

    private final Duration timeout;
    private final Runnable onExpiry;
    private ScheduledFuture<?> deadline;
    /** Between a decoded head and the end of its answer: no deadline for the next head yet. */
    private boolean inRequest;

    private RequestHeadDeadline(Duration timeout, Runnable onExpiry) {
        this.timeout = timeout;
        this.onExpiry = onExpiry;
    }

    /** Installs the deadline on an HTTP/1.1 connection's pipeline (after reactor-netty set up its codec). */
    static void install(ChannelPipeline pipeline, Duration timeout, Runnable onExpiry) {
        if (pipeline.get(NettyPipeline.HttpCodec) == null) {
            return;
        }
        RequestHeadDeadline shared = new RequestHeadDeadline(timeout, onExpiry);
        pipeline.addFirst("tiergate.headDeadline", shared.new FirstByte());
        pipeline.addAfter(NettyPipeline.HttpCodec, "tiergate.headDecoded", shared.new HeadDecoded());
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Arms the deadline at the first byte of a request. */
    private final class FirstByte extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!inRequest && deadline == null) {
                ctx.channel().attr(KEPT_ALIVE_IDLE).set(null);
                deadline = ctx.executor().schedule(() -> {
                    deadline = null;
                    onExpiry.run();
                    ctx.close();
                }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }
    }

    /** Disarms it when the head is decoded; the end of the answer makes the connection wait for a head again. */
    private final class HeadDecoded extends ChannelDuplexHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                cancel();
                inRequest = true;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
                // A WebSocket from here on: frames are not requests.
                cancel();
                ctx.pipeline().remove("tiergate.headDeadline");
                ctx.pipeline().remove(this);
            }
            else if (msg instanceof LastHttpContent) {
                inRequest = false;
                ctx.channel().attr(KEPT_ALIVE_IDLE).set(Boolean.TRUE);
            }
            ctx.write(msg, promise);
        }
    }
}
