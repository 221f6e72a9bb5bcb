package io.tiergate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the binary embedded-redis carries) on a free port. Keeps nothing on disk, so a
 * {@link #restart()} brings back an empty Redis, as after a crash without persistence.
 */
public final class RedisNode implements AutoCloseable {

    private final int port;
    private final String password;
    private RedisServer server;

    private RedisNode(int port, String password) {
        this.port = port;
        this.password = password;
    }

    public static RedisNode start() {
        return start(null);
    }

    /** A Redis that wants {@code password} ({@code requirepass}); null: none. */
    public static RedisNode start(String password) {
        RedisNode node = new RedisNode(FreePort.next(), password);
        node.launch();
        return node;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server: clients' connections drop and new ones are refused. */
    public synchronized void stop() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = null;
    }

    /** Starts it again on the same port, empty. */
    public synchronized void restart() {
        stop();
        launch();
    }

    private synchronized void launch() {
        try {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no")
                    .settingIf(password != null, "requirepass " + password).build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server did not start on port " + port, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

}
