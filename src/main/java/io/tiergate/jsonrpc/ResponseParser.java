package io.tiergate.jsonrpc;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the envelopes of a provider's answer. Results are sliced, not decoded; the whole body is
 * still tokenized once so that a truncated answer is caught here and never reaches a client.
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
