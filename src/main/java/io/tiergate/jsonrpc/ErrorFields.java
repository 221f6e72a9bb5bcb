package io.tiergate.jsonrpc;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/** The code and message of a provider's error object, as both readers of {@link ResponseParser} take them. */
record ErrorFields(int code, String message) {

    /** From an error object's START_OBJECT to its END_OBJECT: code and message where given, else those passed. */
    static ErrorFields read(JsonParser p, int code, String message) {
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
}
