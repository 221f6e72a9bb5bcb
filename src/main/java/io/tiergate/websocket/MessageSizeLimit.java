package io.tiergate.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * max-message-size for a message sent in several frames, ahead of netty's frame aggregator: the aggregator
 * would fail the connection's inbound stream, and reactor-netty then closes the socket without a status (1005).
 * Here the frames of a message too big are dropped instead, and {@link #exceeded()} lets the handler close with
 * 1009. From then on every data frame is dropped (the connection is closing). A single frame over the limit
 * never gets here: netty's frame decoder refuses it and closes with 1009 itself.
 * One per connection, used on its event loop only.
 */
final class MessageSizeLimit extends ChannelInboundHandlerAdapter {

    static final String NAME = "tiergate.wsMessageSizeLimit";
    /** Session attribute holding the connection's limit. */
    static final String ATTRIBUTE = MessageSizeLimit.class.getName();

    private final long maxBytes;
    private final Sinks.Empty<Void> exceeded = Sinks.empty();
    private volatile Runnable onDropped = () -> { };
    private long messageBytes;
    private boolean dropping;

    MessageSizeLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Completes when a message went over the limit. */
    Mono<Void> exceeded() {
        return exceeded.asMono();
    }

    /** Run for every frame dropped: the client is still sending. */
    void onDropped(Runnable action) {
        this.onDropped = action;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                || msg instanceof ContinuationWebSocketFrame) {
            WebSocketFrame frame = (WebSocketFrame) msg;
            if (!dropping) {
                int bytes = frame.content().readableBytes();
                messageBytes = frame instanceof ContinuationWebSocketFrame ? messageBytes + bytes : bytes;
                dropping = messageBytes > maxBytes;
                if (dropping) {
                    exceeded.tryEmitEmpty();
                }
            }
            if (dropping) {
                frame.release();
                onDropped.run();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
