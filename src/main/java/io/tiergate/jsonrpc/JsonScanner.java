package io.tiergate.jsonrpc;

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
                p = JsonStrings.string(b, p + 1, end);
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
        int after = JsonStrings.string(b, p + 1, end);
        if (after - p - 2 > MAX_NAME) {
            throw REJECT;
        }
        p = ws(b, after, end);
        if (p >= end || b[p] != ':') {
            throw REJECT;
        }
        return p + 1;
    }

    /** From just after an opening quote: the index just past the closing quote (see {@link JsonStrings}). */
    static int string(byte[] b, int p, int end) {
        return JsonStrings.string(b, p, end);
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
