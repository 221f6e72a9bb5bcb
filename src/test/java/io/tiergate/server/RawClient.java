package io.tiergate.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A client on a plain socket that sends what it is told, when it is told: slow, incomplete or not reading. */
final class RawClient implements AutoCloseable {

    private final Socket socket = new Socket();
    private final long openedAt = System.nanoTime();

    RawClient(int port) throws IOException {
        this(port, 0);
    }

    /** {@code receiveBuffer}: a small one makes a client that does not read stall the server's writes sooner. */
    RawClient(int port, int receiveBuffer) throws IOException {
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    }

    static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads one answer with a Content-Length body, or what came before the server closed. */
    String readAnswer(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        int n;
        int head = -1;
        int length = -1;
        while ((n = in.read(buffer)) >= 0) {
            all.write(buffer, 0, n);
            if (head < 0) {
                String text = all.toString(StandardCharsets.ISO_8859_1);
                head = text.indexOf("\r\n\r\n");
                length = contentLength(text, head);
            }
            if (length >= 0 && all.size() - head - 4 >= length) {
                break;
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static int contentLength(String text, int head) {
        if (head < 0) {
            return -1;
        }
        for (String line : text.substring(0, head).split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    /** True when the server closes the connection (EOF or reset) within {@code within}; what it sent is skipped. */
    boolean closedWithin(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        byte[] buffer = new byte[65536];
        try {
            while (socket.getInputStream().read(buffer) >= 0) {
                // answers before the close do not matter here
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    Duration sinceOpened() {
        return Duration.ofNanos(System.nanoTime() - openedAt);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
