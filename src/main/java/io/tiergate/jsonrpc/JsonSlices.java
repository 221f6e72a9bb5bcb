package io.tiergate.jsonrpc;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.UTF8StreamJsonParser;

/** Streaming-parser helpers that cut raw value slices out of a byte[] document. */
final class JsonSlices {

    private JsonSlices() {
    }

    static JsonFactory factory(int maxNestingDepth) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        // Ids are echoed as sent, "numbers of any size": never converted, only sliced.
                        .maxNumberLength(1_000_000)
                        .build())
                .build();
    }

    /**
     * A parser over {@code body}, or null when the body is not UTF-8: Jackson would read UTF-16/32 with a
     * character parser whose byte offsets are unknown, and slices need byte offsets.
     */
    static JsonParser parser(JsonFactory factory, byte[] body) {
        return parser(factory, body, 0, body.length);
    }

    /** As {@link #parser(JsonFactory, byte[])}, over a slice of {@code source} without copying it. */
    static JsonParser parser(JsonFactory factory, byte[] source, int offset, int length) {
        JsonParser parser = factory.createParser(ObjectReadContext.empty(), source, offset, length);
        if (parser instanceof UTF8StreamJsonParser) {
            return parser;
        }
        parser.close();
        return null;
    }

    /** The current value (scalar or structure) as a slice; leaves the parser on its last token. */
    static RawJson slice(JsonParser p, byte[] source) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        JsonToken t = p.currentToken();
        int end;
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            end = (int) p.currentTokenLocation().getByteOffset() + 1;
        } else {
            // Strings are decoded lazily; finishing the token moves the input past its closing quote.
            p.finishToken();
            end = (int) p.currentLocation().getByteOffset();
        }
        return new RawJson(source, start, end);
    }

    static boolean isScalarId(JsonToken t) {
        return t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT
                || t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NULL;
    }
}
