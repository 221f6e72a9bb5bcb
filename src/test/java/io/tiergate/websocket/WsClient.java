package io.tiergate.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain JDK WebSocket client for tests: collects every text message; a "slow" client reads nothing until
 * {@link #startReading()}, so the gateway's outbound queue for it fills up.
 */
final class WsClient implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SUBSCRIPTION = Pattern.compile("\"subscription\":\"(0x[0-9a-f]+)\"");
    private static final Pattern NUMBER = Pattern.compile("\"number\":\"0x([0-9a-f]+)\"");
    private static final Pattern RESULT_STRING = Pattern.compile("\"result\":\"([^\"]*)\"");

    private final BlockingQueue<String> arrived = new LinkedBlockingQueue<>();
    private final Deque<String> passedOver = new ArrayDeque<>();
    final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
    volatile String closeReason;
    /** Pings from tiergate (the JDK client answers each with a pong by itself). */
    final AtomicInteger pings = new AtomicInteger();
    private final WebSocket socket;
    private volatile boolean reading;
    private int nextId = 1000;

    private WsClient(String url, boolean reading) {
        this.reading = reading;
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), new Listener()).join();
    }

    static WsClient connect(String url) {
        return new WsClient(url, true);
    }

    /** Requests no message until startReading(): the server's writes back up. */
    static WsClient slow(String url) {
        return new WsClient(url, false);
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    /** Sends one message as several frames (a first frame and continuation frames), each of them small. */
    void sendFragmented(String json, int frameSize) {
        for (int from = 0; from < json.length(); from += frameSize) {
            int to = Math.min(json.length(), from + frameSize);
            socket.sendText(json.substring(from, to), to == json.length()).join();
        }
    }

    /** Sends a request and returns the answer with the same id (other messages stay queued in order). */
    String call(String method, String paramsJson) {
        int id;
        synchronized (this) {
            id = nextId++;
        }
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}");
        return take(m -> m.contains("\"id\":" + id + ","), Duration.ofSeconds(20));
    }

    /** Subscribes and returns tiergate's subscription id. */
    String subscribe(String paramsJson) {
        String answer = call("eth_subscribe", paramsJson);
        Matcher m = RESULT_STRING.matcher(answer);
        if (!m.find()) {
            throw new AssertionError("eth_subscribe failed: " + answer);
        }
        return m.group(1);
    }

    /**
     * The first message matching, in arrival order, removed; messages passed over are kept (in order) for later
     * takes, never put back into the arrival queue, where they could land behind newer messages.
     */
    synchronized String take(Predicate<String> matching, Duration timeout) {
        for (Iterator<String> it = passedOver.iterator(); it.hasNext(); ) {
            String m = it.next();
            if (matching.test(m)) {
                it.remove();
                return m;
            }
        }
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (true) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                String m = left <= 0 ? null : arrived.poll(left, TimeUnit.MILLISECONDS);
                if (m == null) {
                    throw new AssertionError("no matching message within " + timeout + "; got " + passedOver);
                }
                if (matching.test(m)) {
                    return m;
                }
                passedOver.add(m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every message received and not taken yet, in arrival order. */
    synchronized List<String> untaken() {
        List<String> all = new ArrayList<>(passedOver);
        all.addAll(arrived);
        return all;
    }

    /** The next notification of {@code subscriptionId}. */
    String notification(String subscriptionId, Duration timeout) {
        return take(m -> subscriptionId.equals(subscriptionOf(m)), timeout);
    }

    static String subscriptionOf(String message) {
        Matcher m = SUBSCRIPTION.matcher(message);
        return m.find() ? m.group(1) : null;
    }

    static long blockNumber(String notification) {
        Matcher m = NUMBER.matcher(notification);
        if (!m.find()) {
            throw new AssertionError("no block number in " + notification);
        }
        return Long.parseLong(m.group(1), 16);
    }

    void startReading() {
        reading = true;
        socket.request(Long.MAX_VALUE);
    }

    boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            if (reading) {
                webSocket.request(Long.MAX_VALUE);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                arrived.add(partial.toString());
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeReason = String.valueOf(error);
            closeCode.complete(new int[] {-1});
        }
    }
}
