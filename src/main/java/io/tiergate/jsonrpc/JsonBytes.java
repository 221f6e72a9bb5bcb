package io.tiergate.jsonrpc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.io.JsonStringEncoder;

/** Growable byte buffer for writing JSON-RPC envelopes around raw payload slices. */
public final class JsonBytes {

    private byte[] buf;
    private int size;

    public JsonBytes(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public JsonBytes write(byte[] bytes, int off, int len) {
        ensure(len);
        System.arraycopy(bytes, off, buf, size, len);
        size += len;
        return this;
    }

    public JsonBytes write(byte[] bytes) {
        return write(bytes, 0, bytes.length);
    }

    public JsonBytes write(RawJson raw) {
        return write(raw.source(), raw.start(), raw.length());
    }

    public JsonBytes ascii(String s) {
        int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    public JsonBytes writeByte(char c) {
        ensure(1);
        buf[size++] = (byte) c;
        return this;
    }

    public JsonBytes number(long n) {
        return ascii(Long.toString(n));
    }

    /** Writes a quoted, escaped JSON string; an unpaired surrogate (client text cut short) becomes U+FFFD. */
    public JsonBytes string(String s) {
        writeByte('"');
        write(JsonStringEncoder.getInstance().quoteAsUTF8(wellFormed(s)));
        return writeByte('"');
    }

    private static String wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                return replaceUnpairedSurrogates(s);
            }
        }
        return s;
    }

    private static String replaceUnpairedSurrogates(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    public int size() {
        return size;
    }

    /** The bytes written so far, not copied: for handing the finished body to the response. */
    public ByteBuffer view() {
        return ByteBuffer.wrap(buf, 0, size);
    }

    public byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    @Override
    public String toString() {
        return new String(buf, 0, size, StandardCharsets.UTF_8);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
