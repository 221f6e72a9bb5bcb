package io.tiergate.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the envelopes of a provider's answer. Results are sliced, not decoded; the whole body is still
 * validated once so that a truncated or malformed answer is caught here and never reaches a client.
 *
 * <p>Two readers give the same answers. The fast one ({@link #scan}) walks the body with {@link JsonScanner}:
 * the envelope's members are read from the bytes, and results and other members are crossed by the scanner,
 * which checks the JSON grammar without producing tokens (a 1 MiB block several times faster than Jackson's
 * token stream). It accepts only bodies Jackson accepts and reads them as Jackson does; anything it is not
 * sure of (invalid or truncated JSON, a body that is not an object or array, escapes in an envelope name or in
 * a string id, an object without result or error, an error member of another kind, a single answer to a batch)
 * goes to the Jackson reader, which decides and gives the reason.
 */
public final class ResponseParser {

    /** Call tracers nest two levels per EVM call frame, and the EVM allows 1024 frames. */
    private static final int MAX_NESTING = 4096;

    private final JsonFactory factory = JsonSlices.factory(MAX_NESTING);

    public List<UpstreamAnswer> parse(byte[] body) {
        return parse(body, null);
    }

    /**
     * A provider's answer to what was sent: a batch must be answered by an array. A single object is allowed only
     * as an error without an id, which speaks about the whole batch (refused, rate-limited); a single object with
     * an id means the provider answered something else.
     */
    public List<UpstreamAnswer> parseAnswerTo(byte[] body, boolean batch) {
        return parse(body, batch);
    }

    private List<UpstreamAnswer> parse(byte[] body, Boolean batch) {
        if (body.length == 0) {
            throw new MalformedResponseException("empty body");
        }
        List<UpstreamAnswer> answers = scan(body, batch);
        return answers != null ? answers : parseWithJackson(body, batch);
    }

    /** The fast reader: the answers, or null where Jackson must decide. */
    List<UpstreamAnswer> scan(byte[] body, Boolean batch) {
        try {
            return new Scan(body).answers(batch);
        } catch (RuntimeException refused) {
            if (refused != JsonScanner.REJECT && !(refused instanceof JacksonException)) {
                throw refused;
            }
            return null;
        }
    }

    /** The Jackson reader: tokenizes the whole body. */
    List<UpstreamAnswer> parseWithJackson(byte[] body, Boolean batch) {
        if (body.length == 0) {
            throw new MalformedResponseException("empty body");
        }
        try (JsonParser p = JsonSlices.parser(factory, body)) {
            if (p == null) {
                throw new MalformedResponseException("not UTF-8 JSON");
            }
            JsonToken first = p.nextToken();
            List<UpstreamAnswer> answers;
            if (first == JsonToken.START_OBJECT) {
                UpstreamAnswer answer = readAnswer(p, body);
                if (Boolean.TRUE.equals(batch) && answer.id() >= 0) {
                    throw new MalformedResponseException("a single answer to a batch");
                }
                answers = List.of(answer);
            } else if (first == JsonToken.START_ARRAY) {
                answers = new ArrayList<>();
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    answers.add(readAnswer(p, body));
                }
                if (p.currentToken() != JsonToken.END_ARRAY) {
                    throw new MalformedResponseException("batch answer holds something other than response objects");
                }
            } else {
                throw new MalformedResponseException(looksLikeHtml(body) ? "HTML instead of JSON" : "not a JSON-RPC response");
            }
            if (p.nextToken() != null) {
                throw new MalformedResponseException("unexpected content after the JSON value");
            }
            return answers;
        } catch (JacksonException e) {
            throw new MalformedResponseException(looksLikeHtml(body) ? "HTML instead of JSON" : "invalid or truncated JSON");
        }
    }

    private static UpstreamAnswer readAnswer(JsonParser p, byte[] body) {
        long id = -1;
        RawJson result = null;
        RawJson error = null;
        int code = 0;
        String message = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = readId(p, t);
                case "result" -> result = JsonSlices.slice(p, body);
                case "error" -> {
                    if (t == JsonToken.START_OBJECT) {
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        ErrorFields fields = readErrorFields(p, code, message);
                        code = fields.code();
                        message = fields.message();
                        error = new RawJson(body, start, (int) p.currentTokenLocation().getByteOffset() + 1);
                    } else if (t == JsonToken.VALUE_STRING) {
                        // Some providers put a bare string here; keep its text, the writer builds a proper object.
                        message = p.getString();
                        error = RawJson.NULL;
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw new MalformedResponseException("error member is not an object");
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (error != null && result == null) {
            return new UpstreamAnswer(id, null, error, code, message == null ? "" : message);
        }
        if (result == null) {
            throw new MalformedResponseException("response has neither result nor error");
        }
        return new UpstreamAnswer(id, result, null, 0, null);
    }

    private record ErrorFields(int code, String message) {
    }

    /** From an error object's START_OBJECT to its END_OBJECT: code and message where given, else those passed. */
    private static ErrorFields readErrorFields(JsonParser p, int code, String message) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ("code".equals(field) && v == JsonToken.VALUE_NUMBER_INT) {
                code = p.getValueAsInt(0);
            } else if ("message".equals(field) && v == JsonToken.VALUE_STRING) {
                message = p.getString();
            } else {
                p.skipChildren();
            }
        }
        return new ErrorFields(code, message);
    }

    private static long readId(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                || t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.LONG) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getString();
            if (!s.isEmpty() && s.length() < 19 && s.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(s);
            }
        }
        p.skipChildren();
        return -1;
    }

    /** One body read by the fast reader; every refusal is {@link JsonScanner#REJECT} (or Jackson's, for an error). */
    private final class Scan {

        private final byte[] b;
        private final int end;
        private int pos;

        Scan(byte[] body) {
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
                                ErrorFields fields = readErrorFields(p, code, message);
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

        /** The gateway's id as readId reads it: an integer that fits a long, or a string of ASCII digits. */
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

    private enum Member { ID, RESULT, ERROR, OTHER }

    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RESULT = {'r', 'e', 's', 'u', 'l', 't'};
    private static final byte[] ERROR = {'e', 'r', 'r', 'o', 'r'};
    /** Well below Jackson's string limit (100,000,000 characters), measured in bytes. */
    private static final int MAX_UNDECODED_STRING = 50_000_000;

    private static boolean looksLikeHtml(byte[] body) {
        for (byte b : body) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            return b == '<';
        }
        return false;
    }
}
