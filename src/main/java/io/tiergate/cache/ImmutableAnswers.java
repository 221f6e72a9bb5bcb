package io.tiergate.cache;

import io.tiergate.jsonrpc.BlockParams;
import io.tiergate.jsonrpc.RawJson;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Which answers never change once their block is deep enough: lookups by hash (blocks, transactions,
 * receipts), pinned to the block their result names, and lookups by an explicit block number, pinned to that
 * number. Tags (latest, pending, safe, finalized, earliest) pin nothing, so those answers are never cached.
 */
final class ImmutableAnswers {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** The block comes from the request: an explicit number (EIP-1898 objects included). */
    private static final Set<String> BY_NUMBER = Set.of(
            "eth_getBlockByNumber", "eth_getBlockTransactionCountByNumber", "eth_getTransactionByBlockNumberAndIndex");
    /** The block comes from the result ("number" of a block, "blockNumber" of a transaction or receipt). */
    private static final Set<String> BY_HASH = Set.of(
            "eth_getBlockByHash", "eth_getTransactionByHash", "eth_getTransactionReceipt",
            "eth_getTransactionByBlockHashAndIndex");
    /** By number or by hash: the number when the request names one, else the result's. */
    private static final String BLOCK_RECEIPTS = "eth_getBlockReceipts";

    private ImmutableAnswers() {
    }

    static boolean mayCache(String method) {
        return BY_NUMBER.contains(method) || BY_HASH.contains(method) || BLOCK_RECEIPTS.equals(method);
    }

    /**
     * The block {@code result} belongs to, or -1 when the answer is not immutable (a tag, a pending
     * transaction, a null result, an unknown method).
     */
    static long block(String method, RawJson params, RawJson result) {
        if (result == null || isNull(result)) {
            return -1;
        }
        if (BY_NUMBER.contains(method)) {
            return BlockParams.requiredBlock(method, params);
        }
        if (BLOCK_RECEIPTS.equals(method)) {
            long named = BlockParams.requiredBlock(method, params);
            if (named >= 0) {
                return named;
            }
            if (isTag(params)) {
                return -1;
            }
            return blockInResult(result);
        }
        return BY_HASH.contains(method) ? blockInResult(result) : -1;
    }

    private static boolean isNull(RawJson result) {
        return result.length() == 4 && result.source()[result.start()] == 'n';
    }

    /** A block receipts request for "latest" and the like: its first parameter is a string that is no hash. */
    private static boolean isTag(RawJson params) {
        if (params == null) {
            return true;
        }
        try (JsonParser p = parser(params)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return true;
            }
            JsonToken first = p.nextToken();
            if (first == JsonToken.VALUE_STRING) {
                String value = p.getString();
                return value.length() != 66 || !value.startsWith("0x");
            }
            // An EIP-1898 object naming a block hash pins the block; anything else does not.
            if (first == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if ("blockHash".equals(name)) {
                        return false;
                    }
                    p.skipChildren();
                }
            }
            return true;
        } catch (JacksonException e) {
            return true;
        }
    }

    /** "blockNumber" or "number" at the top of the result object, or of its first element (block receipts). */
    private static long blockInResult(RawJson result) {
        try (JsonParser p = parser(result)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                t = p.nextToken();
            }
            if (t != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (("blockNumber".equals(name) || "number".equals(name)) && value == JsonToken.VALUE_STRING) {
                    return BlockParams.quantity(p.getString());
                }
                p.skipChildren();
            }
            return -1;
        } catch (JacksonException e) {
            return -1;
        }
    }

    private static JsonParser parser(RawJson json) {
        return FACTORY.createParser(ObjectReadContext.empty(), json.source(), json.start(), json.length());
    }
}
