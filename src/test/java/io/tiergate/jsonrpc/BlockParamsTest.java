package io.tiergate.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which block a request names explicitly, so providers whose head is below it can be passed over. */
class BlockParamsTest {

    private static final String ADDRESS = "\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\"";

    private static long required(String method, String params) {
        return BlockParams.requiredBlock(method, params == null ? null : RawJson.of(params));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"eth_getBlockByNumber", "eth_getBlockTransactionCountByNumber",
            "eth_getUncleCountByBlockNumber", "eth_getTransactionByBlockNumberAndIndex",
            "eth_getUncleByBlockNumberAndIndex", "eth_getBlockReceipts", "debug_traceBlockByNumber", "trace_block",
            "trace_replayBlockTransactions"})
    void blockIsTheFirstParamOf(String method) {
        assertThat(required(method, "[\"0x1b4\",false]")).isEqualTo(436);
        assertThat(required(method, "[\"0x1b4\",\"0x0\"]")).isEqualTo(436);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"eth_getBalance", "eth_getCode", "eth_getTransactionCount"})
    void blockIsTheSecondParamAfterTheAddressOf(String method) {
        assertThat(required(method, "[" + ADDRESS + ",\"0x10\"]")).isEqualTo(16);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"eth_call", "eth_estimateGas", "eth_createAccessList", "debug_traceCall"})
    void blockIsTheSecondParamAfterTheCallObjectOf(String method) {
        String call = "{\"to\":" + ADDRESS + ",\"data\":\"0x70a08231\",\"blockNumber\":\"0x999\",\"nested\":{\"a\":[1,2]}}";
        assertThat(required(method, "[" + call + ",\"0x20\"]")).isEqualTo(32);
        assertThat(required(method, "[" + call + ",\"0x20\",{\"" + ADDRESS.substring(1) + ":{}}]")).isEqualTo(32);
    }

    @Test
    void storageAtNamesTheBlockThirdNotItsSlot() {
        assertThat(required("eth_getStorageAt", "[" + ADDRESS + ",\"0x5\",\"0x40\"]")).isEqualTo(64);
        assertThat(required("eth_getStorageAt", "[" + ADDRESS + ",\"0x5\",\"latest\"]")).isEqualTo(-1);
    }

    @Test
    void proofNamesTheBlockAfterItsListOfKeys() {
        assertThat(required("eth_getProof", "[" + ADDRESS + ",[\"0x1\",\"0x2\"],\"0x40\"]")).isEqualTo(64);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"latest", "pending", "earliest", "safe", "finalized", "", "0x", "0xzz", "1b4", "12",
            "0x10000000000000000"})
    void tagsAndNonQuantitiesNameNoBlock(String value) {
        assertThat(required("eth_getBalance", "[" + ADDRESS + ",\"" + value + "\"]")).isEqualTo(-1);
        assertThat(required("eth_getBlockByNumber", "[\"" + value + "\",false]")).isEqualTo(-1);
    }

    @Test
    void eip1898BlockNumberNamesTheBlockButABlockHashDoesNot() {
        assertThat(required("eth_getBalance", "[" + ADDRESS + ",{\"blockNumber\":\"0x1b4\"}]")).isEqualTo(436);
        assertThat(required("eth_call", "[{\"to\":" + ADDRESS + "},{\"requireCanonical\":true,\"blockNumber\":\"0x1b4\"}]"))
                .isEqualTo(436);
        assertThat(required("eth_getStorageAt", "[" + ADDRESS + ",\"0x0\",{\"blockNumber\":\"0x2\"}]")).isEqualTo(2);
        assertThat(required("eth_getCode", "[" + ADDRESS + ",{\"blockHash\":"
                + "\"0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3\",\"requireCanonical\":true}]"))
                .isEqualTo(-1);
        assertThat(required("eth_getCode", "[" + ADDRESS + ",{\"blockNumber\":\"latest\"}]")).isEqualTo(-1);
        assertThat(required("eth_getCode", "[" + ADDRESS + ",{\"blockNumber\":436}]")).isEqualTo(-1);
        assertThat(required("eth_getCode", "[" + ADDRESS + ",{}]")).isEqualTo(-1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0x0,0", "0x1,1", "0x1b4,436", "0X1B4,436", "0x01,1", "0x7fffffffffffffff,9223372036854775807"})
    void hexQuantities(String value, long expected) {
        assertThat(BlockParams.quantity(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "0", "0x", "1b4", "x1b4", "0y1b4", "0xg", "0x1b4 ", "latest", "0xffffffffffffffff",
            "0x10000000000000000"})
    void notAQuantity(String value) {
        assertThat(BlockParams.quantity(value)).isEqualTo(-1);
    }

    @Test
    void nullIsNotAQuantity() {
        assertThat(BlockParams.quantity(null)).isEqualTo(-1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"eth_blockNumber", "eth_chainId", "eth_getBlockByHash", "eth_getTransactionByHash",
            "eth_sendRawTransaction", "eth_getLogs", "net_version", "anything"})
    void methodsWithoutABlockParamNameNone(String method) {
        assertThat(required(method, "[\"0x10\",\"0x10\",\"0x10\"]")).isEqualTo(-1);
    }

    @Test
    void missingOrOddlyShapedParamsNameNone() {
        assertThat(required("eth_getBalance", null)).isEqualTo(-1);
        assertThat(required("eth_getBalance", "[]")).isEqualTo(-1);
        assertThat(required("eth_getBalance", "[" + ADDRESS + "]")).as("block omitted").isEqualTo(-1);
        assertThat(required("eth_getBalance", "{\"block\":\"0x10\"}")).as("params by name").isEqualTo(-1);
        assertThat(required("eth_getBalance", "[" + ADDRESS + ",16]")).as("a JSON number").isEqualTo(-1);
        assertThat(required("eth_getBalance", "[" + ADDRESS + ",null]")).isEqualTo(-1);
        assertThat(required("eth_getBalance", "[" + ADDRESS + ",[\"0x10\"]]")).isEqualTo(-1);
        assertThat(required("eth_getBlockByNumber", "\"0x10\"")).isEqualTo(-1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[\"0x10\"", "[\"0x10", "[", "not json", "[0x10]", "[{\"blockNumber\":", "[\"0x10\",,]",
            "[{\"blockNumber\" \"0x10\"}]", "\u00ff\u00fe"})
    void malformedParamsNameNoneAndNeverHang(String params) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            long block = BlockParams.requiredBlock("eth_getBlockByNumber", RawJson.of(params));
            assertThat(block).isIn(-1L, 16L);
        });
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThat(required("eth_getBalance", "[" + ADDRESS + "," + params.substring(1))).isIn(-1L, 16L));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[" + ADDRESS, "[" + ADDRESS + ",", "[" + ADDRESS + ",\"0x0\"", "[" + ADDRESS + ",\"0x0\",",
            "[" + ADDRESS + ",[\"0x0\"", "[" + ADDRESS + ",{\"a\":1"})
    void truncatedParamsBeforeTheBlockPositionNameNoneAndNeverHang(String params) {
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThat(required("eth_getStorageAt", params)).isEqualTo(-1));
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThat(required("eth_getProof", params)).isEqualTo(-1));
    }

    @Test
    void stringsWithEscapesAndNonAsciiBeforeTheBlockAreSteppedOver() {
        String call = "{\"to\":" + ADDRESS + ",\"data\":\"0x\\\"],\\u005d\",\"memo\":\"\u00e9\u4e2d\ud83d\ude00\"}";
        assertThat(required("eth_call", "[" + call + ",\"0x20\"]")).isEqualTo(32);
        assertThat(required("eth_call", "[ " + call + " ,\n\t{ \"blockHash\" : {\"x\":[1,{\"blockNumber\":\"0x5\"}]},"
                + " \"blockNumber\" : \"0x21\" } ]")).as("the block object's own member, not a nested one")
                .isEqualTo(33);
    }

    @Test
    void aQuantityWrittenWithEscapesNamesNoBlock() {
        assertThat(required("eth_getBalance", "[" + ADDRESS + ",\"\\u0030x10\"]")).isEqualTo(-1);
    }

    @Test
    void paramsAreReadFromTheirSliceOfTheRequest() {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":\"0x99\",\"method\":\"eth_getBlockByNumber\",\"params\":[\"0x2a\",true]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int start = body.indexOf("[\"0x2a\"");
        int end = body.lastIndexOf(']') + 1;
        assertThat(BlockParams.requiredBlock("eth_getBlockByNumber", new RawJson(bytes, start, end))).isEqualTo(42);
    }
}
