package io.tiergate.jsonrpc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A validating JSON scanner over bytes that finds where a value ends without producing tokens: the whole
 * grammar is checked (strings with their escapes and strict UTF-8, numbers, literals, commas and colons,
 * nesting up to a depth), nothing is decoded and nothing is allocated below 64 levels of nesting. Strings,
 * most of a large Ethereum answer, are crossed eight bytes at a time.
 *
 * <p>It accepts less than Jackson does, never more: whatever it refuses ({@link #REJECT}) the caller hands to
 * Jackson, which decides. Refused besides invalid JSON: numbers longer than 1,000 characters, property names
 * longer than 50,000 bytes, nesting deeper than {@link #MAX_DEPTH}, UTF-8 that is not strictly well formed
 * (overlong forms, encoded surrogates), a NUL or any other control character outside a string.
 */
final class JsonScanner {

    /** Thrown where the scanner does not accept the input; no stack trace, never shown to anyone. */
    static final RuntimeException REJECT = new RuntimeException("refused by the fast scanner", null, false, false) {
    };

    /** Below Jackson's limit (4096, ResponseParser's nesting), so nesting the scanner accepts Jackson accepts. */
    static final int MAX_DEPTH = 4000;
    private static final int MAX_NUMBER = 1000;
    /** Jackson's default maximum name length is 50,000 characters; a character is at least one byte. */
    private static final int MAX_NAME = 50_000;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private JsonScanner() {
    }

    /** The first index at or after {@code p} that is not JSON whitespace (space, tab, CR, LF). */
    static int ws(byte[] b, int p, int end) {
        while (p < end) {
            byte c = b[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return p;
            }
            p++;
        }
        return p;
    }

    /**
     * The index just past the value starting at {@code p} (whitespace before it allowed). {@code depth} is the
     * nesting of the container holding the value (1 for a member of the root object).
     */
    static int value(byte[] b, int p, int end, int depth) {
        // Open containers: bit i of the stack is set when level i is an object. 64 levels fit in a long.
        long stack = 0;
        long[] deep = null;
        int level = 0;
        while (true) {
            // A value is expected at p.
            p = ws(b, p, end);
            if (p >= end) {
                throw REJECT;
            }
            byte c = b[p];
            if (c == '"') {
                p = string(b, p + 1, end);
            } else if (c == '{' || c == '[') {
                boolean object = c == '{';
                if (depth + level + 1 > MAX_DEPTH) {
                    throw REJECT;
                }
                if (level < 64) {
                    stack = object ? stack | 1L << level : stack & ~(1L << level);
                } else {
                    if (deep == null) {
                        deep = new long[(MAX_DEPTH >> 6) + 1];
                    }
                    int i = level - 64;
                    deep[i >> 6] = object ? deep[i >> 6] | 1L << i : deep[i >> 6] & ~(1L << i);
                }
                level++;
                p = ws(b, p + 1, end);
                if (p >= end) {
                    throw REJECT;
                }
                if (b[p] == (object ? '}' : ']')) {
                    p++;
                    level--;
                } else if (object) {
                    p = memberName(b, p, end);
                    continue;
                } else {
                    continue;
                }
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                p = number(b, p, end);
            } else if (c == 't') {
                p = literal(b, p, end, TRUE);
            } else if (c == 'f') {
                p = literal(b, p, end, FALSE);
            } else if (c == 'n') {
                p = literal(b, p, end, NULL);
            } else {
                throw REJECT;
            }
            // After a value: close what ends here, or move on to the next element or member.
            while (true) {
                if (level == 0) {
                    return p;
                }
                p = ws(b, p, end);
                if (p >= end) {
                    throw REJECT;
                }
                c = b[p];
                int top = level - 1;
                boolean object = top < 64 ? (stack >>> top & 1) != 0 : (deep[(top - 64) >> 6] >>> (top - 64) & 1) != 0;
                if (c == ',') {
                    p++;
                    if (object) {
                        p = memberName(b, ws(b, p, end), end);
                    }
                    break;
                }
                if (c == (object ? '}' : ']')) {
                    p++;
                    level--;
                    continue;
                }
                throw REJECT;
            }
        }
    }

    /** At a member's name (its opening quote): the index past the colon that follows it. */
    static int memberName(byte[] b, int p, int end) {
        if (p >= end || b[p] != '"') {
            throw REJECT;
        }
        int after = string(b, p + 1, end);
        if (after - p - 2 > MAX_NAME) {
            throw REJECT;
        }
        p = ws(b, after, end);
        if (p >= end || b[p] != ':') {
            throw REJECT;
        }
        return p + 1;
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

    /** A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    static int number(byte[] b, int p, int end) {
        int start = p;
        if (b[p] == '-') {
            p++;
        }
        if (p >= end) {
            throw REJECT;
        }
        if (b[p] == '0') {
            p++;
        } else if (b[p] >= '1' && b[p] <= '9') {
            p = digits(b, p + 1, end);
        } else {
            throw REJECT;
        }
        if (p < end && b[p] == '.') {
            int after = digits(b, p + 1, end);
            if (after == p + 1) {
                throw REJECT;
            }
            p = after;
        }
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < end && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            int after = digits(b, p, end);
            if (after == p) {
                throw REJECT;
            }
            p = after;
        }
        if (p - start > MAX_NUMBER) {
            throw REJECT;
        }
        return p;
    }

    private static int digits(byte[] b, int p, int end) {
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        return p;
    }

    private static int literal(byte[] b, int p, int end, byte[] text) {
        if (p + text.length > end) {
            throw REJECT;
        }
        for (int i = 0; i < text.length; i++) {
            if (b[p + i] != text[i]) {
                throw REJECT;
            }
        }
        return p + text.length;
    }
}
