package io.tiergate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.jsonrpc.RawJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerCacheTest {

    private static final long HEAD = 1000;
    private static final String TX_HASH = "\"0x" + "ab".repeat(32) + "\"";
    private static final String BLOCK_HASH = "\"0x" + "cd".repeat(32) + "\"";

    private final AnswerCache cache = new AnswerCache(1 << 20, 12);

    private boolean offer(String method, String params, String result) {
        return cache.offer(RequestKey.of(method, RawJson.of(params)), RawJson.of(params), RawJson.of(result), HEAD);
    }

    private String get(String method, String params) {
        RawJson hit = cache.get(RequestKey.of(method, RawJson.of(params)));
        return hit == null ? null : hit.toString();
    }

    @Test
    void receiptOfADeepBlockIsCachedByItsHashBytes() {
        String receipt = "{\"transactionHash\":" + TX_HASH + ",\"blockNumber\":\"0x3d4\",\"logs\":[]}"; // 980
        assertThat(offer("eth_getTransactionReceipt", "[" + TX_HASH + "]", receipt)).isTrue();

        assertThat(get("eth_getTransactionReceipt", "[" + TX_HASH + "]")).isEqualTo(receipt);
        assertThat(get("eth_getTransactionReceipt", "[ " + TX_HASH + "]")).as("other params bytes").isNull();
        assertThat(get("eth_getTransactionByHash", "[" + TX_HASH + "]")).as("other method").isNull();
    }

    @Test
    void answersWithinTheConfirmationDepthAreNotCached() {
        String shallow = "{\"blockNumber\":\"0x3e0\"}"; // 992: 8 below the head of 1000, fewer than 12
        String edge = "{\"blockNumber\":\"0x3dc\"}"; // 988: exactly 12 below
        assertThat(offer("eth_getTransactionByHash", "[" + TX_HASH + "]", shallow)).isFalse();
        assertThat(offer("eth_getTransactionByHash", "[" + TX_HASH + "]", edge)).isTrue();
    }

    @Test
    void pendingTransactionsNullsAndUnknownHeadsAreNeverCached() {
        assertThat(offer("eth_getTransactionByHash", "[" + TX_HASH + "]", "{\"blockNumber\":null,\"hash\":" + TX_HASH + "}"))
                .as("pending").isFalse();
        assertThat(offer("eth_getTransactionReceipt", "[" + TX_HASH + "]", "null")).as("null").isFalse();
        assertThat(cache.offer(RequestKey.of("eth_getBlockByNumber", RawJson.of("[\"0x1\",false]")),
                RawJson.of("[\"0x1\",false]"), RawJson.of("{\"number\":\"0x1\"}"), -1)).as("head unknown").isFalse();
    }

    @Test
    void blockByHashIsPinnedToItsOwnNumberNotToItsTransactions() {
        String block = "{\"number\":\"0x64\",\"hash\":" + BLOCK_HASH
                + ",\"transactions\":[{\"blockNumber\":\"0x3e7\"}]}";
        assertThat(offer("eth_getBlockByHash", "[" + BLOCK_HASH + ",true]", block)).isTrue();
        String young = "{\"transactions\":[{\"blockNumber\":\"0x1\"}],\"number\":\"0x3e7\"}";
        assertThat(offer("eth_getBlockByHash", "[" + BLOCK_HASH + ",false]", young)).isFalse();
    }

    @Test
    void blockByExplicitNumberIsCachedWhenDeep() {
        assertThat(offer("eth_getBlockByNumber", "[\"0x64\",false]", "{\"number\":\"0x64\"}")).isTrue();
        assertThat(offer("eth_getBlockByNumber", "[\"0x3e7\",false]", "{\"number\":\"0x3e7\"}")).isFalse();
        assertThat(offer("eth_getBlockByNumber", "[\"0x7d0\",false]", "null")).as("a block from the future").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "pending", "safe", "finalized", "earliest"})
    void blockTagsAreNeverCached(String tag) {
        assertThat(offer("eth_getBlockByNumber", "[\"" + tag + "\",false]", "{\"number\":\"0x1\"}")).isFalse();
        assertThat(offer("eth_getBlockReceipts", "[\"" + tag + "\"]", "[{\"blockNumber\":\"0x1\"}]")).isFalse();
    }

    @Test
    void blockReceiptsByHashArePinnedToTheirReceiptsBlock() {
        assertThat(offer("eth_getBlockReceipts", "[" + BLOCK_HASH + "]", "[{\"blockNumber\":\"0x10\"}]")).isTrue();
        assertThat(offer("eth_getBlockReceipts", "[{\"blockHash\":" + BLOCK_HASH + "}]", "[{\"blockNumber\":\"0x10\"}]"))
                .isTrue();
        assertThat(offer("eth_getBlockReceipts", "[" + BLOCK_HASH + "]", "[]")).as("no receipt, no block").isFalse();
        assertThat(offer("eth_getBlockReceipts", "[\"0x10\"]", "[]")).as("by number").isTrue();
    }

    @Test
    void onlyImmutableLookupsMayBeCached() {
        assertThat(AnswerCache.mayCache("eth_getTransactionReceipt")).isTrue();
        assertThat(AnswerCache.mayCache("eth_getBlockByNumber")).isTrue();
        for (String method : new String[] {"eth_blockNumber", "eth_call", "eth_getBalance", "eth_getLogs", "eth_chainId",
                "eth_gasPrice", "eth_sendRawTransaction"}) {
            assertThat(AnswerCache.mayCache(method)).as(method).isFalse();
        }
        assertThat(offer("eth_call", "[{},\"0x1\"]", "\"0x\"")).isFalse();
    }

    @Test
    void theCacheHoldsNoMoreBytesThanItsBound() {
        AnswerCache small = new AnswerCache(64 * 1024, 0);
        String result = "{\"blockNumber\":\"0x1\",\"input\":\"0x" + "00".repeat(2000) + "\"}";
        for (int i = 0; i < 200; i++) {
            String params = "[\"0x" + String.format("%064x", i) + "\"]";
            small.offer(RequestKey.of("eth_getTransactionByHash", RawJson.of(params)), RawJson.of(params),
                    RawJson.of(result), HEAD);
        }
        small.caffeine().cleanUp();
        assertThat(small.weightedSize()).isPositive().isLessThanOrEqualTo(64 * 1024);
        assertThat(small.caffeine().estimatedSize()).isLessThan(200);
        assertThat(small.caffeine().stats().evictionCount()).isPositive();
    }
}
