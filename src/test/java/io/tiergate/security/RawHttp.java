package io.tiergate.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 over a plain socket: the request line, path and headers go out byte for byte as written (no client
 * library normalizes {@code ..}, re-encodes {@code %2e} or refuses an odd method or header), which is what an
 * attacker probing the ports would send.
 */
final class RawHttp {

    private static final int TIMEOUT_MILLIS = 30_000;
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?m)^content-length:\\s*(\\d+)");

    private RawHttp() {
    }

    /** Status, headers (lower-case names, last value wins) and body of an answer. */
    record Reply(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Everything the client got back, for scanning. */
        String everything() {
            return status + "\n" + headers + "\n" + body;
        }

        @Override
        public String toString() {
            return everything();
        }
    }

    /** {@code headers}: "Name: value" lines, e.g. {@code "Authorization: Bearer x"}; a body adds Content-Length. */
    static Reply send(int port, String method, String path, String body, String... headers) {
        List<String> lines = new ArrayList<>(List.of(headers));
        return send(port, method, path, body, lines);
    }

    static Reply send(int port, String method, String path, String body, List<String> headers) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        head.append("Connection: close\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            // ISO-8859-1: header bytes go out exactly as the characters were written (obs-text included).
            // One write: a server that refuses on the headers alone and closes must not find body bytes arriving
            // after its close (the kernel would answer them with a reset that can swallow the answer).
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            request.write(payload);
            out.write(request.toByteArray());
            out.flush();
            return parse(readAnswer(socket.getInputStream(), "HEAD".equals(method)), "HEAD".equals(method));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on port " + port + " failed: " + e, e);
        }
    }

    /** Reads until the answer is complete (by Content-Length, chunked end or close), whatever comes after. */
    private static byte[] readAnswer(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
                if (complete(all.toByteArray(), head)) {
                    break;
                }
            }
        } catch (java.net.SocketException reset) {
            if (!complete(all.toByteArray(), head)) {
                throw reset;
            }
        }
        return all.toByteArray();
    }

    private static boolean complete(byte[] raw, boolean head) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String headers = text.substring(0, end).toLowerCase(Locale.ROOT);
        if (head || headers.startsWith("http/1.1 204") || headers.startsWith("http/1.1 304")) {
            return true;
        }
        Matcher length = CONTENT_LENGTH.matcher(headers);
        if (length.find()) {
            return raw.length - (end + 4) >= Integer.parseInt(length.group(1));
        }
        if (headers.contains("transfer-encoding: chunked")) {
            return text.endsWith("\r\n0\r\n\r\n") || text.substring(end + 4).startsWith("0\r\n\r\n");
        }
        return false;
    }

    private static Reply parse(byte[] raw, boolean head) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete HTTP answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if (!head && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Reply(status, headers, head ? "" : new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOf(body, at);
            String size = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                break;
            }
            out.write(body, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("malformed chunked body");
    }
}
