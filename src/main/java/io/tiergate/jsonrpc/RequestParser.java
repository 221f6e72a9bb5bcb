package io.tiergate.jsonrpc;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Splits a client body into requests by reading only the envelope (jsonrpc, id, method, params);
 * params stay raw bytes.
 */
public final class RequestParser {

    private static final int MAX_NESTING = 256;
    private static final int MAX_ERROR_DETAIL = 160;

    private final JsonFactory factory = JsonSlices.factory(MAX_NESTING);
    private final int maxBatchSize;

    public RequestParser(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public ParsedBody parse(byte[] body) {
        if (!Utf8.isWellFormed(body)) {
            throw new BadRequestException(JsonRpcError.PARSE_ERROR, "parse error: the body is not valid UTF-8");
        }
        try (JsonParser p = utf8Parser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new BadRequestException(JsonRpcError.PARSE_ERROR, "parse error: empty body");
            }
            List<JsonRequest> requests = new ArrayList<>();
            List<InvalidRequest> invalid = new ArrayList<>(0);
            boolean batch;
            int size;
            if (first == JsonToken.START_ARRAY) {
                batch = true;
                size = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (size == maxBatchSize) {
                        throw new BadRequestException(JsonRpcError.INVALID_REQUEST,
                                "batch too large: at most " + maxBatchSize + " requests per batch");
                    }
                    readItem(p, body, size++, requests, invalid);
                }
                if (size == 0) {
                    throw new BadRequestException(JsonRpcError.INVALID_REQUEST, "empty batch");
                }
            } else if (first == JsonToken.START_OBJECT) {
                batch = false;
                size = 1;
                readItem(p, body, 0, requests, invalid);
            } else {
                throw new BadRequestException(JsonRpcError.INVALID_REQUEST,
                        "invalid request: expected a request object or a batch array");
            }
            if (p.nextToken() != null) {
                throw new BadRequestException(JsonRpcError.PARSE_ERROR,
                        "parse error: unexpected content after the JSON value");
            }
            return new ParsedBody(batch, size, requests, invalid);
        } catch (JacksonException e) {
            throw new BadRequestException(JsonRpcError.PARSE_ERROR, "parse error: " + detail(e));
        }
    }

    private JsonParser utf8Parser(byte[] body) {
        JsonParser p = JsonSlices.parser(factory, body);
        if (p == null) {
            throw new BadRequestException(JsonRpcError.PARSE_ERROR, "parse error: the body must be UTF-8 JSON");
        }
        return p;
    }

    private static void readItem(JsonParser p, byte[] body, int index, List<JsonRequest> requests,
            List<InvalidRequest> invalid) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            invalid.add(new InvalidRequest(index, null, "invalid request: not an object"));
            return;
        }
        RawJson id = null;
        String method = null;
        RawJson methodJson = null;
        RawJson params = null;
        String problem = null;
        boolean versioned = false;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "jsonrpc" -> {
                    versioned = true;
                    if (t != JsonToken.VALUE_STRING || !"2.0".equals(p.getString())) {
                        problem = "invalid request: jsonrpc must be \"2.0\"";
                    }
                    p.skipChildren();
                }
                case "id" -> {
                    if (JsonSlices.isScalarId(t)) {
                        id = JsonSlices.slice(p, body);
                    } else {
                        problem = "invalid request: id must be a string, a number or null";
                        p.skipChildren();
                    }
                }
                case "method" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        methodJson = JsonSlices.slice(p, body);
                        method = p.getString();
                    } else {
                        problem = "invalid request: method must be a string";
                        p.skipChildren();
                    }
                }
                case "params" -> {
                    if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                        params = JsonSlices.slice(p, body);
                    } else if (t != JsonToken.VALUE_NULL) {
                        problem = "invalid request: params must be an array or an object";
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (problem == null && !versioned) {
            // JSON-RPC 2.0 requires the member, and geth refuses requests without it.
            problem = "invalid request: jsonrpc must be \"2.0\"";
        }
        if (problem == null && method == null) {
            problem = "invalid request: missing method";
        }
        if (problem == null && method.isEmpty()) {
            problem = "invalid request: empty method";
        }
        if (problem != null) {
            invalid.add(new InvalidRequest(index, id, problem));
        } else {
            requests.add(new JsonRequest(index, id, method, methodJson, params));
        }
    }

    private static String detail(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return "malformed JSON";
        }
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline);
        }
        return message.length() > MAX_ERROR_DETAIL ? message.substring(0, MAX_ERROR_DETAIL) + "..." : message;
    }
}
