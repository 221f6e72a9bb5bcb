package io.tiergate.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseParserTest {

    private final ResponseParser parser = new ResponseParser();

    private List<UpstreamAnswer> parse(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private UpstreamAnswer single(String body) {
        List<UpstreamAnswer> answers = parse(body);
        assertThat(answers).hasSize(1);
        return answers.get(0);
    }

    private MalformedResponseException malformed(byte[] body) {
        MalformedResponseException e = catchThrowableOfType(MalformedResponseException.class, () -> parser.parse(body));
        assertThat(e).as("must be refused as malformed: %s", new String(body, StandardCharsets.UTF_8)).isNotNull();
        return e;
    }

    private MalformedResponseException malformed(String body) {
        return malformed(body.getBytes(StandardCharsets.UTF_8));
    }

    // --- results ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "\"0x10d4f\"",
        "\"\"",
        "\"escaped \\\"quote\\\" \\\\ \\u00e9 and raw é🚀\"",
        "0",
        "-12",
        "123456789012345678901234567890",
        "1.5e-7",
        "true",
        "false",
        "null",
        "{}",
        "[]",
        "{\"number\":\"0x1\",\"transactions\":[{\"hash\":\"0xab\"},{\"hash\":\"0xcd\"}],\"nested\":{\"a\":[[],{}]}}",
        "[\"0x1\", 2 , {\"x\" : null} ]",
        "{ \"spaced\" :  [ 1 ,2 ] }"
    })
    void resultIsSlicedExactlyAsTheProviderSentIt(String result) {
        UpstreamAnswer answer = single("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}");

        assertThat(answer.isError()).isFalse();
        assertThat(answer.result().toString()).isEqualTo(result);
        assertThat(answer.error()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0x1\"", "42", "-0.5", "null", "true", "{\"a\":1}", "[1]"})
    void resultIsSlicedExactlyWhereverItSitsAndWhateverWhitespaceSurroundsIt(String result) {
        UpstreamAnswer first = single("{\"result\" :\n  " + result + "  ,\"id\":1,\"jsonrpc\":\"2.0\"}");
        UpstreamAnswer last = single("{ \"jsonrpc\":\"2.0\", \"id\":1, \"result\":\t" + result + "\r\n}");

        assertThat(first.result().toString()).isEqualTo(result);
        assertThat(last.result().toString()).isEqualTo(result);
    }

    @Test
    void nullResultIsASuccessNotAnError() {
        UpstreamAnswer answer = single("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}");

        assertThat(answer.isError()).isFalse();
        assertThat(answer.result().toString()).isEqualTo("null");
    }

    @Test
    void oneMebibyteResultIsSlicedIntact() {
        StringBuilder result = new StringBuilder("{\"transactions\":[");
        int i = 0;
        while (result.length() < 1 << 20) {
            if (i > 0) {
                result.append(',');
            }
            result.append("{\"hash\":\"0x").append(String.format("%064x", i)).append("\",\"input\":\"0x")
                    .append("deadbeef".repeat(16)).append("\",\"value\":").append(i).append('}');
            i++;
        }
        result.append("],\"big\":\"0x").append("ab".repeat(50_000)).append("\"}");
        String text = result.toString();

        UpstreamAnswer answer = single("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + text + "}");

        assertThat(answer.result().length()).isEqualTo(text.length()).isGreaterThan(1 << 20);
        assertThat(answer.result().toString()).isEqualTo(text);
    }

    @Test
    void oneMebibyteStringResultIsSlicedIntact() {
        String hex = "\"0x" + "0f".repeat(1 << 19) + "\"";

        UpstreamAnswer answer = single("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + hex + "}");

        assertThat(answer.result().toString()).isEqualTo(hex);
    }

    // --- errors ----------------------------------------------------------------------------------

    @Test
    void errorCodeAndMessageAreReadAndTheRawErrorIsSliced() {
        String error = "{\"code\":3,\"message\":\"execution reverted: Ownable: caller is not the owner\","
                + "\"data\":\"0x08c379a0\"}";

        UpstreamAnswer answer = single("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":" + error + "}");

        assertThat(answer.isError()).isTrue();
        assertThat(answer.result()).isNull();
        assertThat(answer.errorCode()).isEqualTo(3);
        assertThat(answer.errorMessage()).isEqualTo("execution reverted: Ownable: caller is not the owner");
        assertThat(answer.error().toString()).isEqualTo(error);
    }

    @Test
    void errorMembersInAnyOrderWithNestedDataAreSlicedWhole() {
        String error = "{ \"data\" : {\"reason\":[\"a\",{\"b\":\"}\"}]} , \"message\":\"header not found\",\"code\" : -32000 }";

        UpstreamAnswer answer = single("{\"error\":" + error + ",\"id\":\"5\",\"jsonrpc\":\"2.0\"}");

        assertThat(answer.errorCode()).isEqualTo(-32000);
        assertThat(answer.errorMessage()).isEqualTo("header not found");
        assertThat(answer.error().toString()).isEqualTo(error);
        assertThat(answer.id()).isEqualTo(5);
    }

    @Test
    void errorWithoutMessageHasAnEmptyMessage() {
        UpstreamAnswer answer = single("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603}}");

        assertThat(answer.isError()).isTrue();
        assertThat(answer.errorCode()).isEqualTo(-32603);
        assertThat(answer.errorMessage()).isEmpty();
    }

    @Test
    void bareStringErrorKeepsItsTextAsTheMessage() {
        UpstreamAnswer answer = single("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"rate limit exceeded\"}");

        assertThat(answer.isError()).isTrue();
        assertThat(answer.errorMessage()).isEqualTo("rate limit exceeded");
    }

    @Test
    void errorThatIsNeitherObjectNorStringIsMalformed() {
        malformed("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":42}");
        malformed("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":[1]}");
    }

    // --- ids -------------------------------------------------------------------------------------

    @Test
    void numericIdIsMatched() {
        assertThat(single("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":1}").id()).isEqualTo(7);
        assertThat(single("{\"jsonrpc\":\"2.0\",\"id\":4294967296,\"result\":1}").id()).isEqualTo(4294967296L);
    }

    @Test
    void numericStringIdIsMatched() {
        assertThat(single("{\"jsonrpc\":\"2.0\",\"id\":\"12\",\"result\":1}").id()).isEqualTo(12);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"jsonrpc\":\"2.0\",\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"\",\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"0x1\",\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":{\"n\":1},\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":[1],\"result\":1}"
    })
    void missingOrForeignIdIsMinusOne(String body) {
        UpstreamAnswer answer = single(body);

        assertThat(answer.id()).isEqualTo(-1);
        assertThat(answer.result().toString()).isEqualTo("1");
    }

    @Test
    void batchAnswersKeepTheirOwnIdsInTheOrderSent() {
        List<UpstreamAnswer> answers = parse(" [ {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x3\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"error\":{\"code\":-32601,\"message\":\"nope\"}} ,"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[2]}]\n");

        assertThat(answers).extracting(UpstreamAnswer::id).containsExactly(3L, 1L, 2L);
        assertThat(answers.get(0).result().toString()).isEqualTo("\"0x3\"");
        assertThat(answers.get(1).isError()).isTrue();
        assertThat(answers.get(1).errorCode()).isEqualTo(-32601);
        assertThat(answers.get(2).result().toString()).isEqualTo("[2]");
    }

    @Test
    void emptyBatchAnswerIsNoAnswers() {
        assertThat(parse("[]")).isEmpty();
    }

    // --- malformed bodies ------------------------------------------------------------------------

    @Test
    void emptyBodyIsMalformed() {
        assertThat(malformed(new byte[0]).getMessage()).isEqualTo("empty body");
        malformed("  \n ");
    }

    @Test
    void everyTruncationOfAValidSingleAnswerIsMalformed() {
        String valid = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"number\":\"0x1b4\",\"gasUsed\":21000,"
                + "\"txs\":[\"0xab\",null,true,false,-1.5e3],\"extra\":\"é\\\"🚀\"}}";
        assertThat(parse(valid)).hasSize(1);
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);

        for (int cut = 0; cut < bytes.length; cut++) {
            malformed(Arrays.copyOf(bytes, cut));
        }
    }

    @Test
    void everyTruncationOfAValidNumericAnswerIsMalformed() {
        String valid = "{\"jsonrpc\":\"2.0\",\"id\":12345,\"result\":1234567890}";
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);

        for (int cut = 0; cut < bytes.length; cut++) {
            malformed(Arrays.copyOf(bytes, cut));
        }
    }

    @Test
    void everyTruncationOfAValidBatchAnswerIsMalformed() {
        String valid = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32000,\"message\":\"header not found\"}},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":[{\"a\":null}]}]";
        assertThat(parse(valid)).hasSize(3);
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);

        for (int cut = 0; cut < bytes.length; cut++) {
            malformed(Arrays.copyOf(bytes, cut));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        "<!DOCTYPE html>\n<html lang=\"en\"><body>Cloudflare: rate limited</body></html>",
        "\r\n  <html><body>{\"jsonrpc\":\"2.0\"}</body></html>"
    })
    void htmlPageIsMalformedWithAClearReason(String body) {
        assertThat(malformed(body).getMessage()).isEqualTo("HTML instead of JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad Gateway", "upstream connect error or disconnect/reset before headers", "42",
        "\"ok\"", "null", "true"})
    void otherNonJsonRpcBodiesAreMalformed(String body) {
        malformed(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "{}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":null}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"message\":\"ok\"}"
    })
    void objectWithNeitherResultNorErrorIsMalformed(String body) {
        assertThat(malformed(body).getMessage()).isEqualTo("response has neither result nor error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", " garbage", "}", "]", "{}", "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":2}", "[]", "1"})
    void trailingGarbageIsMalformed(String trailer) {
        malformed("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}" + trailer);
    }

    @Test
    void trailingWhitespaceIsFine() {
        assertThat(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}\n\r\t ")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1},\"x\"]", "[[]]", "[null]"})
    void batchHoldingSomethingOtherThanResponseObjectsIsMalformed(String body) {
        malformed(body);
    }

    @Test
    void deeplyNestedResultsOfCallTracersAreAccepted() {
        // A call tracer nests two levels per call frame; 1024 frames is the EVM's limit.
        String deep = "{\"calls\":[".repeat(1024) + "]}".repeat(1024);

        assertThat(single("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + deep + "}").result().toString())
                .isEqualTo(deep);
    }

    @Test
    void absurdNestingIsMalformedNotAStackOverflow() {
        malformed("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    }

    @Test
    void bodyInAnotherEncodingThanUtf8IsMalformedRatherThanMisSliced() {
        byte[] utf16 = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}".getBytes(StandardCharsets.UTF_16);

        assertThatThrownBy(() -> parser.parse(utf16)).isInstanceOf(MalformedResponseException.class);
    }
}
