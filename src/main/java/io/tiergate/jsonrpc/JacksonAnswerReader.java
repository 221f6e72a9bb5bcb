package io.tiergate.jsonrpc;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The Jackson reader of {@link ResponseParser}: tokenizes the whole body. It decides every body the fast reader
 * refuses and gives the reason a malformed answer is turned away.
 */
final class JacksonAnswerReader {

    private final JsonFactory factory;

    JacksonAnswerReader(JsonFactory factory) {
        this.factory = factory;
    }

    List<UpstreamAnswer> read(byte[] body, Boolean batch) {
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
                        ErrorFields fields = ErrorFields.read(p, code, message);
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
