package io.tiergate.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The block a request names explicitly (a number, or EIP-1898's {@code {"blockNumber": ...}}), so
 * providers whose head is below it can be passed over. Tags (latest, pending, ...) and hashes name none.
 */
public final class BlockParams {

    public static final long NONE = -1;
    private static final byte[] BLOCK_NUMBER = "blockNumber".getBytes(StandardCharsets.US_ASCII);

    private BlockParams() {
    }

    /**
     * Read from the request's bytes with {@link JsonScanner}: the parameters before the block are stepped over
     * without a parser, a token or a string being made (it was a second Jackson parser per request).
     */
    public static long requiredBlock(String method, RawJson params) {
        int position = position(method);
        if (position < 0 || params == null) {
            return NONE;
        }
        byte[] b = params.source();
        int end = params.end();
        try {
            int p = JsonScanner.ws(b, params.start(), end);
            if (p >= end || b[p] != '[') {
                return NONE;
            }
            p = JsonScanner.ws(b, p + 1, end);
            for (int i = 0; i < position; i++) {
                p = JsonScanner.ws(b, JsonScanner.value(b, p, end, 1), end);
                if (p >= end || b[p] != ',') {
                    return NONE;
                }
                p = JsonScanner.ws(b, p + 1, end);
            }
            if (p >= end) {
                return NONE;
            }
            if (b[p] == '"') {
                return quantity(b, p + 1, JsonScanner.string(b, p + 1, end) - 1);
            }
            return b[p] == '{' ? blockNumberMember(b, p + 1, end) : NONE;
        } catch (RuntimeException unreadable) {
            // JsonScanner.REJECT, or anything the request's own parser let through: no block named.
            return NONE;
        }
    }

    /** EIP-1898: the {@code blockNumber} member of the object whose members start at {@code p}. */
    private static long blockNumberMember(byte[] b, int p, int end) {
        p = JsonScanner.ws(b, p, end);
        while (p < end && b[p] == '"') {
            int nameEnd = JsonScanner.string(b, p + 1, end) - 1;
            boolean blockNumber = nameEnd - p - 1 == BLOCK_NUMBER.length
                    && Arrays.equals(b, p + 1, nameEnd, BLOCK_NUMBER, 0, BLOCK_NUMBER.length);
            p = JsonScanner.ws(b, nameEnd + 1, end);
            if (p >= end || b[p] != ':') {
                return NONE;
            }
            p = JsonScanner.ws(b, p + 1, end);
            if (blockNumber && p < end && b[p] == '"') {
                return quantity(b, p + 1, JsonScanner.string(b, p + 1, end) - 1);
            }
            p = JsonScanner.ws(b, JsonScanner.value(b, p, end, 2), end);
            if (p >= end || b[p] != ',') {
                return NONE;
            }
            p = JsonScanner.ws(b, p + 1, end);
        }
        return NONE;
    }

    /** The string's content between its quotes; escapes never occur in a quantity, so one means none. */
    private static long quantity(byte[] b, int from, int to) {
        int length = to - from;
        if (length < 3 || length > 18) {
            return NONE;
        }
        for (int i = from; i < to; i++) {
            if (b[i] == '\\') {
                return NONE;
            }
        }
        return quantity(new String(b, from, length, StandardCharsets.ISO_8859_1));
    }

    /** A hex quantity such as 0x1b4; NONE for tags and anything else. */
    /** A result that is a JSON string holding a quantity ({@code "0x10"}), or NONE. */
    public static long quantityOf(RawJson result) {
        if (result.length() > 4 && result.length() < 22 && result.source()[result.start()] == '"') {
            return quantity(new String(result.source(), result.start() + 1, result.length() - 2,
                    StandardCharsets.US_ASCII));
        }
        return NONE;
    }

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
