package io.tiergate.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParserTest {

    private final RequestParser parser = new RequestParser(100);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ParsedBody parse(String body) {
        return parser.parse(utf8(body));
    }

    private BadRequestException rejected(RequestParser p, byte[] body) {
        BadRequestException e = catchThrowableOfType(BadRequestException.class, () -> p.parse(body));
        assertThat(e).as("body must be rejected as a whole").isNotNull();
        return e;
    }

    private BadRequestException rejected(String body) {
        return rejected(parser, utf8(body));
    }

    private static String req(String idJson, String method) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\",\"params\":[]}";
    }

    // --- single and batch -------------------------------------------------------------------

    @Test
    void parsesSingleRequestWithItsMethodIdAndParams() {
        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}");

        assertThat(parsed.batch()).isFalse();
        assertThat(parsed.size()).isEqualTo(1);
        assertThat(parsed.invalid()).isEmpty();
        assertThat(parsed.requests()).hasSize(1);
        JsonRequest r = parsed.requests().get(0);
        assertThat(r.index()).isZero();
        assertThat(r.method()).isEqualTo("eth_blockNumber");
        assertThat(r.methodJson().toString()).isEqualTo("\"eth_blockNumber\"");
        assertThat(r.id().toString()).isEqualTo("1");
        assertThat(r.params().toString()).isEqualTo("[]");
        assertThat(r.isNotification()).isFalse();
    }

    @Test
    void parsesBatchKeepingEachItemsPositionInClientOrder() {
        ParsedBody parsed = parse("[" + req("\"a\"", "eth_chainId") + " , " + req("2", "eth_blockNumber") + ","
                + "{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscribe\"}" + "]");

        assertThat(parsed.batch()).isTrue();
        assertThat(parsed.size()).isEqualTo(3);
        assertThat(parsed.invalid()).isEmpty();
        assertThat(parsed.requests()).extracting(JsonRequest::index).containsExactly(0, 1, 2);
        assertThat(parsed.requests()).extracting(JsonRequest::method)
                .containsExactly("eth_chainId", "eth_blockNumber", "eth_subscribe");
        assertThat(parsed.requests().get(0).id().toString()).isEqualTo("\"a\"");
        assertThat(parsed.requests().get(1).id().toString()).isEqualTo("2");
        assertThat(parsed.requests().get(2).isNotification()).isTrue();
    }

    @Test
    void batchOfOneIsStillABatch() {
        ParsedBody parsed = parse("[" + req("1", "eth_chainId") + "]");

        assertThat(parsed.batch()).isTrue();
        assertThat(parsed.size()).isEqualTo(1);
    }

    @Test
    void membersMayComeInAnyOrderAndUnknownMembersAreIgnored() {
        ParsedBody parsed = parse("{\"params\":[\"0x1\",true],\"extra\":{\"deep\":[1,{\"id\":99}]},"
                + "\"method\":\"eth_getBlockByNumber\",\"id\":7,\"jsonrpc\":\"2.0\"}");

        JsonRequest r = parsed.requests().get(0);
        assertThat(r.method()).isEqualTo("eth_getBlockByNumber");
        assertThat(r.id().toString()).isEqualTo("7");
        assertThat(r.params().toString()).isEqualTo("[\"0x1\",true]");
    }

    // --- ids exactly as sent ------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "123456789012345678901234567890",
        "-123456789012345678901234567890",
        "0",
        "-5",
        "1.5",
        "-0.0",
        "1.0E+2",
        "6.02e23",
        "18446744073709551616",
        "\"abc\"",
        "\"\"",
        "\"with \\\"escaped\\\" quotes and \\\\ backslash\"",
        "\"\\u00e9\\ud83d\\ude80 escaped unicode\"",
        "\"raw unicode: é 🚀 日本\"",
        "\"0x1\"",
        "null"
    })
    void idIsSlicedExactlyAsSent(String id) {
        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"eth_chainId\"}");

        assertThat(parsed.requests()).hasSize(1);
        assertThat(parsed.requests().get(0).id().toString()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"123456789012345678901234567890", "-7", "2.50", "\"x\\ty\"", "\"é\"", "null"})
    void idIsSlicedExactlyWhateverWhitespaceSurroundsItAndWhereverItSits(String id) {
        String body = "[ { \"method\" : \"eth_chainId\" , \"id\" :  " + id + "  , \"jsonrpc\":\"2.0\" } ,"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\",\"id\":\n\t" + id + "\n}]";

        ParsedBody parsed = parse(body);

        assertThat(parsed.requests()).extracting(r -> r.id().toString()).containsExactly(id, id);
    }

    @Test
    void explicitNullIdIsARequestButAbsentIdIsANotification() {
        ParsedBody parsed = parse("[{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"eth_chainId\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\"}]");

        JsonRequest explicitNull = parsed.requests().get(0);
        JsonRequest absent = parsed.requests().get(1);
        assertThat(explicitNull.isNotification()).isFalse();
        assertThat(explicitNull.id().toString()).isEqualTo("null");
        assertThat(absent.isNotification()).isTrue();
        assertThat(absent.id()).isNull();
    }

    // --- params as raw bytes ---------------------------------------------------------------------

    @Test
    void paramsAreKeptAsTheExactBytesSentIncludingWhitespace() {
        String params = "[ {\"to\" : \"0xdAC17F958D2ee523a2206206994597C13D831ec7\",\n"
                + "   \"data\":\"0x70a08231\\u0041\"} ,\t\"latest\" , 1.50, -0 , null,\"é🚀\" ]";

        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":" + params + "}");

        assertThat(parsed.requests().get(0).params().toString()).isEqualTo(params);
    }

    @Test
    void objectParamsAreKeptAsTheExactBytesSent() {
        String params = "{ \"b\" : [1 , 2] ,\"a\":{}}";

        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":" + params + "  }");

        assertThat(parsed.requests().get(0).params().toString()).isEqualTo(params);
    }

    @Test
    void absentOrNullParamsAreNoParams() {
        ParsedBody parsed = parse("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_chainId\",\"params\":null}]");

        assertThat(parsed.invalid()).isEmpty();
        assertThat(parsed.requests()).extracting(JsonRequest::params).containsOnlyNulls();
    }

    @Test
    void largeParamsAreSlicedIntact() {
        String data = "0x" + "ab".repeat(300_000);
        String params = "[{\"data\":\"" + data + "\"},\"latest\"]";

        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":" + params + "}");

        assertThat(parsed.requests().get(0).params().toString()).isEqualTo(params);
    }

    // --- invalid items -----------------------------------------------------------------------

    @Test
    void everyInvalidItemOfABatchGetsItsOwnReasonAndKeepsItsPosition() {
        ParsedBody parsed = parse("["
                + "{\"jsonrpc\":\"2.0\",\"id\":10}" // 0: no method
                + ",{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":42}" // 1: method a number
                + ",{\"jsonrpc\":\"1.0\",\"id\":12,\"method\":\"eth_chainId\"}" // 2: wrong jsonrpc
                + ",{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"eth_chainId\"}" // 3: id an object
                + ",{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"eth_chainId\",\"params\":\"0x1\"}" // 4: scalar params
                + ",42" // 5: not an object
                + ",{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"eth_chainId\"}" // 6: valid
                + "]");

        assertThat(parsed.size()).isEqualTo(7);
        assertThat(parsed.requests()).extracting(JsonRequest::index).containsExactly(6);
        assertThat(parsed.invalid()).extracting(InvalidRequest::index).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(parsed.invalid()).extracting(InvalidRequest::reason).containsExactly(
                "invalid request: missing method",
                "invalid request: method must be a string",
                "invalid request: jsonrpc must be \"2.0\"",
                "invalid request: id must be a string, a number or null",
                "invalid request: params must be an array or an object",
                "invalid request: not an object");
        // The client's id comes back on the error whenever it was a valid id.
        assertThat(parsed.invalid()).extracting(i -> i.id() == null ? null : i.id().toString())
                .containsExactly("10", "11", "12", null, "14", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"eth_call\"", "null", "[]", "[[1]]", "true"})
    void itemThatIsNotAnObjectIsInvalidAndDoesNotDisturbTheNextItem(String item) {
        ParsedBody parsed = parse("[" + item + "," + req("2", "eth_chainId") + "]");

        assertThat(parsed.invalid()).singleElement().satisfies(i -> {
            assertThat(i.index()).isZero();
            assertThat(i.reason()).isEqualTo("invalid request: not an object");
        });
        assertThat(parsed.requests()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(1);
            assertThat(r.id().toString()).isEqualTo("2");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "{\"name\":\"eth_call\"}", "[\"eth_call\"]", "null", "true"})
    void methodThatIsNotAStringIsInvalid(String method) {
        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":" + method + "}");

        assertThat(parsed.requests()).isEmpty();
        assertThat(parsed.invalid()).singleElement()
                .extracting(InvalidRequest::reason).isEqualTo("invalid request: method must be a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1.0\"", "\"2\"", "2.0", "2", "null", "{\"v\":\"2.0\"}", "[\"2.0\"]", "\" 2.0\""})
    void jsonrpcOtherThanTheString2Point0IsInvalid(String version) {
        ParsedBody parsed = parse("{\"jsonrpc\":" + version + ",\"id\":1,\"method\":\"eth_chainId\"}");

        assertThat(parsed.requests()).isEmpty();
        assertThat(parsed.invalid()).singleElement()
                .extracting(InvalidRequest::reason).isEqualTo("invalid request: jsonrpc must be \"2.0\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"n\":1}", "[1]", "[]", "true", "false"})
    void idThatIsNotAStringNumberOrNullIsInvalid(String id) {
        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"eth_chainId\"}");

        assertThat(parsed.requests()).isEmpty();
        assertThat(parsed.invalid()).singleElement()
                .extracting(InvalidRequest::reason).isEqualTo("invalid request: id must be a string, a number or null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0x1\"", "1", "true", "1.5"})
    void scalarParamsAreInvalid(String params) {
        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":" + params + "}");

        assertThat(parsed.requests()).isEmpty();
        assertThat(parsed.invalid()).singleElement()
                .extracting(InvalidRequest::reason).isEqualTo("invalid request: params must be an array or an object");
    }

    @Test
    void missingOrEmptyMethodIsInvalid() {
        ParsedBody parsed = parse("[{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":[]},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"\"}]");

        assertThat(parsed.requests()).isEmpty();
        assertThat(parsed.invalid()).extracting(InvalidRequest::reason)
                .containsExactly("invalid request: missing method", "invalid request: empty method");
    }

    @Test
    void singleInvalidRequestIsNotABatch() {
        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":\"q\"}");

        assertThat(parsed.batch()).isFalse();
        assertThat(parsed.size()).isEqualTo(1);
        assertThat(parsed.invalid()).singleElement().satisfies(i -> {
            assertThat(i.id().toString()).isEqualTo("\"q\"");
            assertThat(i.reason()).isEqualTo("invalid request: missing method");
        });
    }

    // --- the body as a whole ---------------------------------------------------------------------

    @Test
    void emptyBodyIsAParseError() {
        assertThat(rejected(parser, new byte[0]).code()).isEqualTo(JsonRpcError.PARSE_ERROR);
        assertThat(rejected(" \r\n\t ").code()).isEqualTo(JsonRpcError.PARSE_ERROR);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hello",
        "{jsonrpc:\"2.0\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",}",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"eth_chainId\"}",
        "{'jsonrpc':'2.0'}",
        "<html></html>"
    })
    void bodyThatIsNotJsonIsAParseError(String body) {
        BadRequestException e = rejected(body);

        assertThat(e.code()).isEqualTo(JsonRpcError.PARSE_ERROR);
        assertThat(e.getMessage()).startsWith("parse error");
    }

    @ParameterizedTest
    @ValueSource(strings = {" x", "}", "]", " {}", "[]", "\"tail\"", " 1", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"m\"}"})
    void trailingContentAfterTheRequestIsAParseError(String trailer) {
        BadRequestException e = rejected(req("1", "eth_chainId") + trailer);

        assertThat(e.code()).isEqualTo(JsonRpcError.PARSE_ERROR);
    }

    @Test
    void trailingWhitespaceIsFine() {
        assertThat(parse(req("1", "eth_chainId") + " \r\n\t").requests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[ ]", " [\n] "})
    void emptyBatchIsAnInvalidRequest(String body) {
        BadRequestException e = rejected(body);

        assertThat(e.code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
        assertThat(e.getMessage()).isEqualTo("empty batch");
    }

    @Test
    void batchOverTheLimitIsAnInvalidRequestNamingTheLimit() {
        RequestParser limited = new RequestParser(3);
        String item = req("1", "eth_chainId");

        BadRequestException e = rejected(limited, utf8("[" + String.join(",", item, item, item, item) + "]"));

        assertThat(e.code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
        assertThat(e.getMessage()).isEqualTo("batch too large: at most 3 requests per batch");
    }

    @Test
    void batchExactlyAtTheLimitIsServed() {
        RequestParser limited = new RequestParser(3);
        String item = req("1", "eth_chainId");

        ParsedBody parsed = limited.parse(utf8("[" + String.join(",", item, item, "5") + "]"));

        assertThat(parsed.size()).isEqualTo(3);
        assertThat(parsed.requests()).hasSize(2);
        assertThat(parsed.invalid()).hasSize(1);
    }

    @Test
    void defaultBatchLimitOf100IsEnforced() {
        String item = req("1", "eth_chainId");

        assertThat(parse("[" + String.join(",", java.util.Collections.nCopies(100, item)) + "]").size())
                .isEqualTo(100);
        assertThat(rejected("[" + String.join(",", java.util.Collections.nCopies(101, item)) + "]").getMessage())
                .isEqualTo("batch too large: at most 100 requests per batch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"eth_blockNumber\"", "null", "true", "-1.5"})
    void topLevelScalarIsAnInvalidRequest(String body) {
        BadRequestException e = rejected(body);

        assertThat(e.code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
    }

    @Test
    void nestingDeeperThan256IsAParseErrorNotACrash() {
        String deepParams = "[".repeat(300) + "]".repeat(300);

        BadRequestException e = rejected("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":" + deepParams + "}");

        assertThat(e.code()).isEqualTo(JsonRpcError.PARSE_ERROR);
    }

    @Test
    void hugeNestingIsAParseErrorNotAStackOverflow() {
        String unbalanced = "[".repeat(200_000);

        assertThat(rejected(unbalanced).code()).isEqualTo(JsonRpcError.PARSE_ERROR);
        assertThat(rejected("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"x\":" + "{\"a\":".repeat(100_000)).code())
                .isEqualTo(JsonRpcError.PARSE_ERROR);
    }

    @Test
    void nestingWithinTheLimitIsServed() {
        String params = "[".repeat(200) + "]".repeat(200);

        ParsedBody parsed = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":" + params + "}");

        assertThat(parsed.requests().get(0).params().toString()).isEqualTo(params);
    }

    @Test
    void parseErrorMessageIsShortEvenForAHugeBadToken() {
        BadRequestException e = rejected("{\"jsonrpc\":\"2.0\",\"id\":" + "x".repeat(100_000) + "}");

        assertThat(e.code()).isEqualTo(JsonRpcError.PARSE_ERROR);
        assertThat(e.getMessage().length()).isLessThan(300);
    }

    @Test
    void bodyInAnotherEncodingThanUtf8IsRejectedRatherThanMisSliced() {
        // RFC 8259: JSON between systems is UTF-8. Ids and params are byte slices of the body, so a
        // UTF-16 body can only be refused as bad input, never answered with slices at wrong offsets.
        byte[] utf16 = req("1", "eth_chainId").getBytes(StandardCharsets.UTF_16);

        assertThatThrownBy(() -> parser.parse(utf16)).isInstanceOf(BadRequestException.class);
    }
}
