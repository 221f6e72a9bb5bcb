package io.tiergate.jsonrpc;

import static io.tiergate.jsonrpc.JsonScanner.REJECT;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The string part of {@link JsonScanner}: crosses a JSON string, checking its escapes and that its UTF-8 is
 * strictly well formed, without decoding it. Strings are most of a large Ethereum answer, so plain runs are
 * crossed eight bytes at a time.
 */
final class JsonStrings {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;

    private JsonStrings() {
    }

    /** From just after an opening quote: the index just past the closing quote. */
    static int string(byte[] b, int p, int end) {
        while (true) {
            // Eight bytes at a time up to the first quote, backslash, control character or non-ASCII byte.
            while (p + 8 <= end) {
                long w = (long) LONGS.get(b, p);
                long q = w ^ QUOTES;
                long s = w ^ BACKSLASHES;
                long special = ((q - ONES) & ~q | (s - ONES) & ~s | (w - SPACES) & ~w | w) & HIGHS;
                if (special != 0) {
                    p += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                p += 8;
            }
            if (p >= end) {
                throw REJECT;
            }
            int c = b[p] & 0xff;
            if (c == '"') {
                return p + 1;
            } else if (c == '\\') {
                p = escape(b, p + 1, end);
            } else if (c < 0x20) {
                throw REJECT;
            } else if (c >= 0x80) {
                p = utf8(b, p, c, end);
            } else {
                p++;
            }
        }
    }

    private static int escape(byte[] b, int p, int end) {
        if (p >= end) {
            throw REJECT;
        }
        switch (b[p]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
                return p + 1;
            case 'u':
                if (p + 5 > end) {
                    throw REJECT;
                }
                for (int i = p + 1; i < p + 5; i++) {
                    byte h = b[i];
                    if (!(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F')) {
                        throw REJECT;
                    }
                }
                return p + 5;
            default:
                throw REJECT;
        }
    }

    /** One strictly well-formed UTF-8 sequence (Unicode table 3-7) starting with {@code lead} at p. */
    private static int utf8(byte[] b, int p, int lead, int end) {
        int n;
        int min = 0x80;
        int max = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            n = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 2;
            if (lead == 0xE0) {
                min = 0xA0;
            } else if (lead == 0xED) {
                max = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 3;
            if (lead == 0xF0) {
                min = 0x90;
            } else if (lead == 0xF4) {
                max = 0x8F;
            }
        } else {
            throw REJECT;
        }
        if (p + n >= end) {
            throw REJECT;
        }
        int second = b[p + 1] & 0xff;
        if (second < min || second > max) {
            throw REJECT;
        }
        for (int i = p + 2; i <= p + n; i++) {
            if ((b[i] & 0xC0) != 0x80) {
                throw REJECT;
            }
        }
        return p + n + 1;
    }
}
