package io.tiergate.websocket;

import org.springframework.context.SmartLifecycle;

/**
 * Closes client WebSockets (1001 going away) when shutdown begins, before the web server's graceful shutdown:
 * a socket is never "finished" the way a request is, so it would otherwise hold the shutdown until its timeout.
 */
final class WebSocketShutdown implements SmartLifecycle {

    private final JsonRpcWebSocketHandler handler;
    private volatile boolean running;

    WebSocketShutdown(JsonRpcWebSocketHandler handler) {
        this.handler = handler;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        handler.goingAway();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the graceful-shutdown phase of the web server (lower phases stop later). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
