package io.tiergate.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The fast reader of {@link ResponseParser}: one body, its envelopes read from the bytes and everything else
 * crossed by {@link JsonScanner}. Every refusal is {@link JsonScanner#REJECT} (or Jackson's, for an error
 * object), after which the Jackson reader decides.
 */
final class AnswerScan {

    private enum Member { ID, RESULT, ERROR, OTHER }

    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RESULT = {'r', 'e', 's', 'u', 'l', 't'};
    private static final byte[] ERROR = {'e', 'r', 'r', 'o', 'r'};
    /** Well below Jackson's string limit (100,000,000 characters), measured in bytes. */
    private static final int MAX_UNDECODED_STRING = 50_000_000;

    /** Decodes what the scanner leaves to Jackson: error objects and escaped strings. */
    private final JsonFactory factory;
    private final byte[] b;
    private final int end;
    private int pos;

    AnswerScan(JsonFactory factory, byte[] body) {
        this.factory = factory;
        this.b = body;
        this.end = body.length;
    }

    List<UpstreamAnswer> answers(Boolean batch) {
        pos = JsonScanner.ws(b, 0, end);
        if (pos >= end) {
            throw JsonScanner.REJECT;
        }
        List<UpstreamAnswer> answers;
        if (b[pos] == '{') {
            UpstreamAnswer answer = answer(1);
            if (Boolean.TRUE.equals(batch) && answer.id() >= 0) {
                throw JsonScanner.REJECT;
            }
            answers = List.of(answer);
        } else if (b[pos] == '[') {
            answers = new ArrayList<>();
            pos = JsonScanner.ws(b, pos + 1, end);
            if (pos < end && b[pos] == ']') {
                pos++;
            } else {
                while (true) {
                    if (pos >= end || b[pos] != '{') {
                        throw JsonScanner.REJECT;
                    }
                    answers.add(answer(2));
                    pos = JsonScanner.ws(b, pos, end);
                    if (pos < end && b[pos] == ',') {
                        pos = JsonScanner.ws(b, pos + 1, end);
                    } else if (pos < end && b[pos] == ']') {
                        pos++;
                        break;
                    } else {
                        throw JsonScanner.REJECT;
                    }
                }
            }
        } else {
            throw JsonScanner.REJECT;
        }
        if (JsonScanner.ws(b, pos, end) != end) {
            throw JsonScanner.REJECT;
        }
        return answers;
    }

    /** At a response object's '{' ({@code depth}: its nesting), to just past its '}'. */
    private UpstreamAnswer answer(int depth) {
        long id = -1;
        RawJson result = null;
        RawJson error = null;
        int code = 0;
        String message = null;
        pos = JsonScanner.ws(b, pos + 1, end);
        if (pos < end && b[pos] == '}') {
            throw JsonScanner.REJECT;
        }
        while (true) {
            int nameStart = pos + 1;
            pos = JsonScanner.memberName(b, pos, end);
            Member member = member(nameStart);
            pos = JsonScanner.ws(b, pos, end);
            if (pos >= end) {
                throw JsonScanner.REJECT;
            }
            int start = pos;
            byte first = b[pos];
            switch (member) {
                case ID -> id = id(depth);
                case RESULT -> {
                    pos = JsonScanner.value(b, pos, end, depth);
                    // A string result is decoded by Jackson when sliced: keep within its string limit.
                    if (first == '"' && pos - start > MAX_UNDECODED_STRING) {
                        throw JsonScanner.REJECT;
                    }
                    result = new RawJson(b, start, pos);
                }
                case ERROR -> {
                    if (first == '{') {
                        pos = JsonScanner.value(b, pos, end, depth);
                        try (JsonParser p = JsonSlices.parser(factory, b, start, pos - start)) {
                            if (p == null || p.nextToken() != JsonToken.START_OBJECT) {
                                throw JsonScanner.REJECT;
                            }
                            ErrorFields fields = ErrorFields.read(p, code, message);
                            code = fields.code();
                            message = fields.message();
                        }
                        error = new RawJson(b, start, pos);
                    } else if (first == '"') {
                        pos = JsonScanner.string(b, pos + 1, end);
                        message = decodeString(start, pos);
                        error = RawJson.NULL;
                    } else if (first == 'n') {
                        pos = JsonScanner.value(b, pos, end, depth);
                    } else {
                        throw JsonScanner.REJECT;
                    }
                }
                default -> pos = JsonScanner.value(b, pos, end, depth);
            }
            pos = JsonScanner.ws(b, pos, end);
            if (pos >= end) {
                throw JsonScanner.REJECT;
            }
            if (b[pos] == '}') {
                pos++;
                break;
            }
            if (b[pos] != ',') {
                throw JsonScanner.REJECT;
            }
            pos = JsonScanner.ws(b, pos + 1, end);
        }
        if (result != null) {
            return new UpstreamAnswer(id, result, null, 0, null);
        }
        if (error != null) {
            return new UpstreamAnswer(id, null, error, code, message == null ? "" : message);
        }
        throw JsonScanner.REJECT;
    }

    /** Which envelope member a name (from its first byte to the closing quote before pos) is. */
    private Member member(int nameStart) {
        int nameEnd = pos;
        while (b[nameEnd - 1] != '"') {
            nameEnd--;
        }
        int length = nameEnd - 1 - nameStart;
        for (int i = nameStart; i < nameStart + length; i++) {
            if (b[i] == '\\') {
                // An escaped name could still spell "id": let Jackson decode it.
                throw JsonScanner.REJECT;
            }
        }
        if (is(nameStart, length, ID)) {
            return Member.ID;
        }
        if (is(nameStart, length, RESULT)) {
            return Member.RESULT;
        }
        if (is(nameStart, length, ERROR)) {
            return Member.ERROR;
        }
        return Member.OTHER;
    }

    private boolean is(int start, int length, byte[] name) {
        if (length != name.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b[start + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The gateway's id as the Jackson reader's readId reads it: an integer that fits a long, or a string of ASCII
     * digits.
     */
    private long id(int depth) {
        int start = pos;
        byte first = b[pos];
        if (first == '"') {
            pos = JsonScanner.string(b, pos + 1, end);
            int length = pos - start - 2;
            if (length == 0 || length >= 19) {
                checkAscii(start + 1, pos - 1);
                return -1;
            }
            long value = 0;
            boolean digits = true;
            for (int i = start + 1; i < pos - 1; i++) {
                byte c = b[i];
                if (c < 0 || c == '\\') {
                    // Escapes and non-ASCII digits: Jackson's decoding and Character.isDigit decide.
                    throw JsonScanner.REJECT;
                }
                digits &= c >= '0' && c <= '9';
                value = value * 10 + (c - '0');
            }
            return digits ? value : -1;
        }
        pos = JsonScanner.value(b, pos, end, depth);
        if (first != '-' && (first < '0' || first > '9')) {
            return -1;
        }
        boolean negative = first == '-';
        long value = 0;
        for (int i = negative ? start + 1 : start; i < pos; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                // A fraction or an exponent: not an integer, as Jackson's number type says.
                return -1;
            }
            // Accumulated negatively, so that Long.MIN_VALUE fits as it does for Jackson.
            if (value < (Long.MIN_VALUE + (c - '0')) / 10) {
                return -1;
            }
            value = value * 10 - (c - '0');
        }
        if (negative) {
            return value;
        }
        return value == Long.MIN_VALUE ? -1 : -value;
    }

    private void checkAscii(int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0 || b[i] == '\\') {
                throw JsonScanner.REJECT;
            }
        }
    }

    /** A string from its opening quote to just past its closing one, decoded as Jackson decodes it. */
    private String decodeString(int start, int after) {
        boolean plain = true;
        for (int i = start + 1; i < after - 1 && plain; i++) {
            plain = b[i] >= 0 && b[i] != '\\';
        }
        if (plain) {
            return new String(b, start + 1, after - start - 2, StandardCharsets.ISO_8859_1);
        }
        try (JsonParser p = JsonSlices.parser(factory, b, start, after - start)) {
            if (p == null || p.nextToken() != JsonToken.VALUE_STRING) {
                throw JsonScanner.REJECT;
            }
            return p.getString();
        }
    }
}
