package io.tiergate.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import tools.jackson.databind.json.JsonMapper;

/**
 * Property-based fuzzing of the client-body parser: whatever bytes arrive, the parser either splits them into
 * requests or refuses them with a JSON-RPC parse error (-32700) or invalid request (-32600), never anything
 * else (which would surface as a 500); and for valid requests the id and params slices are exactly the bytes
 * the client sent, so ids come back as sent and params reach the node untouched.
 */
class RequestParserFuzzTest {

    private static final int MAX_BATCH = 10;
    // Ids are "numbers of any size": the checking mapper must accept what the gateway accepts.
    private static final JsonMapper JSON = JsonMapper.builder(tools.jackson.core.json.JsonFactory.builder()
            .streamReadConstraints(tools.jackson.core.StreamReadConstraints.builder().maxNumberLength(1_000_000).build())
            .build()).build();
    private final RequestParser parser = new RequestParser(MAX_BATCH);

    @Property(tries = 2000)
    void arbitraryBytesAreParsedOrRefusedWithAJsonRpcError(@ForAll @Size(max = 600) byte[] body) {
        assertParsesOrRefuses(body);
    }

    @Property(tries = 2000)
    void arbitraryStringsAreParsedOrRefusedWithAJsonRpcError(@ForAll @Size(max = 400) String text) {
        assertParsesOrRefuses(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void jsonLikeTokenSoupIsParsedOrRefusedWithAJsonRpcError(@ForAll("tokenSoup") String text) {
        assertParsesOrRefuses(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void mutatedValidRequestsAreParsedOrRefusedWithAJsonRpcError(@ForAll("mutatedRequests") byte[] body) {
        assertParsesOrRefuses(body);
    }

    @Property(tries = 2000)
    void validRequestKeepsIdAndParamsExactlyAsSent(@ForAll("requests") Generated request) {
        ParsedBody parsed = parser.parse(request.json().getBytes(StandardCharsets.UTF_8));

        assertThat(parsed.batch()).isFalse();
        assertThat(parsed.invalid()).isEmpty();
        assertThat(parsed.requests()).hasSize(1);
        JsonRequest r = parsed.requests().get(0);
        assertThat(r.id()).hasToString(request.id());
        assertThat(r.method()).isEqualTo(request.method());
        assertThat(r.methodJson()).hasToString(JSON.writeValueAsString(request.method()));
        assertThat(r.params()).hasToString(request.params());
    }

    @Property(tries = 1000)
    void validRequestAfterAUtf8ByteOrderMarkKeepsIdAndParamsExactlyAsSent(@ForAll("requests") Generated request) {
        byte[] json = request.json().getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[json.length + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(json, 0, body, 3, json.length);

        ParsedBody parsed = parser.parse(body);

        JsonRequest r = parsed.requests().get(0);
        assertThat(r.id()).hasToString(request.id());
        assertThat(r.params()).hasToString(request.params());
    }

    @Property(tries = 1000)
    void validBatchKeepsEveryIdAndParamsInClientOrder(@ForAll("batches") List<Generated> batch) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < batch.size(); i++) {
            body.append(i == 0 ? "" : " ,\n").append(batch.get(i).json());
        }
        ParsedBody parsed = parser.parse(body.append(']').toString().getBytes(StandardCharsets.UTF_8));

        assertThat(parsed.batch()).isTrue();
        assertThat(parsed.size()).isEqualTo(batch.size());
        assertThat(parsed.invalid()).isEmpty();
        for (int i = 0; i < batch.size(); i++) {
            JsonRequest r = parsed.requests().get(i);
            assertThat(r.index()).isEqualTo(i);
            assertThat(r.id()).hasToString(batch.get(i).id());
            assertThat(r.params()).hasToString(batch.get(i).params());
        }
    }

    private void assertParsesOrRefuses(byte[] body) {
        ParsedBody parsed;
        try {
            parsed = parser.parse(body);
        } catch (BadRequestException e) {
            assertThat(e.code()).isIn(JsonRpcError.PARSE_ERROR, JsonRpcError.INVALID_REQUEST);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        // Every item is accounted for exactly once, at its own position.
        assertThat(parsed.requests().size() + parsed.invalid().size()).isEqualTo(parsed.size());
        assertThat(parsed.size()).isBetween(1, MAX_BATCH);
        Set<Integer> indexes = new HashSet<>();
        parsed.requests().forEach(r -> indexes.add(r.index()));
        parsed.invalid().forEach(r -> indexes.add(r.index()));
        assertThat(indexes).hasSize(parsed.size()).allMatch(i -> i >= 0 && i < parsed.size());
        for (JsonRequest r : parsed.requests()) {
            assertThat(r.method()).isNotEmpty();
            // Slices are themselves JSON values (they are echoed and forwarded as they are).
            if (r.id() != null) {
                JSON.readTree(r.id().toString());
            }
            if (r.params() != null) {
                JSON.readTree(r.params().toString());
            }
        }
    }

    // ---------------------------------------------------------------- generators

    record Generated(String json, String id, String method, String params) {
    }

    @Provide
    Arbitrary<Generated> requests() {
        return Combinators.combine(ids(), methods(), params(), whitespace(), Arbitraries.integers().between(0, 5),
                Arbitraries.of(true, false)).as((id, method, params, ws, order, extra) -> {
                    List<String> members = new ArrayList<>(List.of(
                            "\"jsonrpc\"" + ws + ":" + ws + "\"2.0\"",
                            "\"id\"" + ws + ":" + ws + id,
                            "\"method\"" + ws + ":" + ws + JSON.writeValueAsString(method),
                            "\"params\"" + ws + ":" + ws + params));
                    if (extra) {
                        members.add("\"x-extra\":{\"id\":[0],\"params\":\"no\"}");
                    }
                    java.util.Collections.rotate(members, order);
                    return new Generated("{" + ws + String.join("," + ws, members) + ws + "}", id, method, params);
                });
    }

    @Provide
    Arbitrary<List<Generated>> batches() {
        return requests().list().ofMinSize(1).ofMaxSize(MAX_BATCH);
    }

    @Provide
    Arbitrary<byte[]> mutatedRequests() {
        Arbitrary<byte[]> valid = requests().map(g -> g.json().getBytes(StandardCharsets.UTF_8));
        Arbitrary<List<int[]>> edits = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 255))
                .as((kind, position, value) -> new int[] {kind, position, value})
                .list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(valid, edits).as(RequestParserFuzzTest::mutate);
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        Arbitrary<String> token = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"jsonrpc\"", "\"2.0\"", "\"id\"",
                "\"method\"", "\"params\"", "\"eth_chainId\"", "1", "-1", "1e999", "0.5", "null", "true", "false",
                "\"\\ud800\"", "\"\\u0000\"", "\"", "\\", " ", "\n", "01", "\"admin_peers\"");
        return token.list().ofMaxSize(40).map(tokens -> String.join("", tokens));
    }

    private static byte[] mutate(byte[] valid, List<int[]> edits) {
        List<Byte> bytes = new ArrayList<>(valid.length + edits.size());
        for (byte b : valid) {
            bytes.add(b);
        }
        for (int[] edit : edits) {
            int at = bytes.isEmpty() ? 0 : edit[1] % (bytes.size() + (edit[0] == 0 ? 1 : 0));
            byte value = (byte) edit[2];
            switch (edit[0]) {
                case 0 -> bytes.add(at, value);
                case 1 -> {
                    if (!bytes.isEmpty()) {
                        bytes.remove(at);
                    }
                }
                default -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, value);
                    }
                }
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    private static Arbitrary<String> ids() {
        Arbitrary<String> longs = Arbitraries.longs().map(String::valueOf);
        Arbitrary<String> bigs = Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40))
                .map(BigInteger::toString);
        Arbitrary<String> hugeDigits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(1500)
                .map(d -> "9" + d);
        Arbitrary<String> decimals = Arbitraries.of("1.5", "-0.0", "1e400", "6.02E+23", "-1.7976931348623157e309", "0");
        Arbitrary<String> strings = Arbitraries.strings().ofMaxLength(40).map(JSON::writeValueAsString);
        Arbitrary<String> escaped = Arbitraries.of("\"\\ud83d\\ude00\"", "\"\\u00e9t\\u00E9\"", "\"\\ud800\"",
                "\"\\\"quoted\\\"\"", "\"a\\/b\\\\c\"", "\"\\u0000\"", "\"tab\\tnl\\n\"", "\"😀é中\u2028\"", "\"\"");
        return Arbitraries.oneOf(longs, bigs, hugeDigits, decimals, strings, escaped, Arbitraries.just("null"));
    }

    private static Arbitrary<String> methods() {
        Arbitrary<String> known = Arbitraries.of("eth_chainId", "eth_blockNumber", "eth_getBalance", "eth_call",
                "net_version", "web3_clientVersion", "eth_getLogs");
        Arbitrary<String> random = Arbitraries.strings().ofMinLength(1).ofMaxLength(30);
        return Arbitraries.oneOf(known, random);
    }

    private static Arbitrary<String> params() {
        Arbitrary<String> value = Arbitraries.recursive(RequestParserFuzzTest::scalar,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(4).map(l -> "[" + String.join(", ", l) + "]"),
                        Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(6), inner)
                                .as((k, v) -> "\"" + k + "\" :" + v).list().ofMaxSize(3)
                                .map(l -> "{" + String.join(",", l) + "}")),
                0, 3);
        Arbitrary<String> array = value.list().ofMaxSize(5).map(l -> "[" + String.join(" , ", l) + "]");
        Arbitrary<String> object = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6), value)
                .as((k, v) -> "\"" + k + "\":\t" + v).list().ofMaxSize(4).map(l -> "{ " + String.join(",", l) + " }");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, array), net.jqwik.api.Tuple.of(1, object));
    }

    private static Arbitrary<String> scalar() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(20).map(JSON::writeValueAsString),
                Arbitraries.of("null", "true", "false", "\"0xdeadbeef\"", "\"latest\"", "1.25e-3", "\"\\ud800\""));
    }

    private static Arbitrary<String> whitespace() {
        return Arbitraries.of("", " ", "\n", "\t", "\r\n  ", "   ");
    }
}
