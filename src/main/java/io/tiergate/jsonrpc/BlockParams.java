package io.tiergate.jsonrpc;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The block a request names explicitly (a number, or EIP-1898's {@code {"blockNumber": ...}}), so
 * providers whose head is below it can be passed over. Tags (latest, pending, ...) and hashes name none.
 */
public final class BlockParams {

    public static final long NONE = -1;
    private static final JsonFactory FACTORY = JsonSlices.factory(64);

    private BlockParams() {
    }

    public static long requiredBlock(String method, RawJson params) {
        int position = position(method);
        if (position < 0 || params == null) {
            return NONE;
        }
        try (JsonParser p = JsonSlices.parser(FACTORY, params.source(), params.start(), params.length())) {
            if (p == null || p.nextToken() != JsonToken.START_ARRAY) {
                return NONE;
            }
            for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                if (i < position) {
                    p.skipChildren();
                    continue;
                }
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    return quantity(p.getString());
                }
                if (p.currentToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = p.currentName();
                        JsonToken value = p.nextToken();
                        if ("blockNumber".equals(name) && value == JsonToken.VALUE_STRING) {
                            return quantity(p.getString());
                        }
                        p.skipChildren();
                    }
                }
                return NONE;
            }
            return NONE;
        } catch (JacksonException e) {
            return NONE;
        }
    }

    /** A hex quantity such as 0x1b4; NONE for tags and anything else. */
    public static long quantity(String value) {
        if (value == null || value.length() < 3 || value.length() > 18 || value.charAt(0) != '0'
                || (value.charAt(1) != 'x' && value.charAt(1) != 'X')) {
            return NONE;
        }
        try {
            return Long.parseLong(value, 2, value.length(), 16);
        } catch (NumberFormatException e) {
            return NONE;
        }
    }

    private static int position(String method) {
        return switch (method) {
            case "eth_getBlockByNumber", "eth_getBlockTransactionCountByNumber", "eth_getUncleCountByBlockNumber",
                    "eth_getTransactionByBlockNumberAndIndex", "eth_getUncleByBlockNumberAndIndex",
                    "eth_getBlockReceipts", "debug_traceBlockByNumber", "trace_block", "trace_replayBlockTransactions" -> 0;
            case "eth_getBalance", "eth_getCode", "eth_getTransactionCount", "eth_call", "eth_estimateGas",
                    "eth_createAccessList", "debug_traceCall" -> 1;
            case "eth_getStorageAt", "eth_getProof" -> 2;
            default -> -1;
        };
    }
}
