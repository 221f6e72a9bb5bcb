package io.tiergate.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast reader of provider answers (JsonScanner) against the Jackson reader it stands in for: on every
 * body, valid or broken, it either hands the body to Jackson or reads exactly what Jackson reads. It must
 * never accept a body Jackson refuses, since that body would reach a client.
 */
class ResponseScanTest {

    private final ResponseParser parser = new ResponseParser();

    private static final String[] VALID = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1406f40\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"number\":\"0x1b4\",\"gasUsed\":21000,"
                + "\"txs\":[\"0xab\",null,true,false,-1.5e3,0,-0,1E+5,2.25e-7],\"extra\":\"é\\\"🚀\\u00e9\\/\\n\"}}",
        "{\"result\" :\n  [1, {\"a\" : [ ] , \"b\":{}}] ,\"id\":\"12\",\"jsonrpc\":\"2.0\"}\r\n",
        " [ {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x3\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"error\":{\"code\":-32601,\"message\":\"nope \\\"x\\\"\"}} ,"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[2]}]\n",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"data\":{\"reason\":[\"a\",{\"b\":\"}\"}]},\"message\":\"header not found\","
                + "\"code\":-32000}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"rate limit exceeded\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"caf\\u00e9 é\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":null,\"result\":true}",
        "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"result\":null}",
        "{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775808,\"result\":null}",
        "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775808,\"result\":null}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"000000000000000012\",\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"0000000000000000012\",\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":1.0,\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":[1],\"result\":1,\"id\":2}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":3,\"message\":\"a\"},\"error\":{\"data\":1}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"result\":[2]}",
        "{\"jsonrpc\":\"2.0\",\"\\u0069d\":1,\"result\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"\\u0031\",\"result\":1}",
        "[]",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32000,"
                + "\"message\":\"header not found\"}},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":[{\"a\":null}]}]",
    };

    /** What the Jackson reader makes of a body: the answers, or the reason it refuses it. */
    private Object jackson(byte[] body, Boolean batch) {
        try {
            return parser.parseWithJackson(body, batch);
        } catch (MalformedResponseException e) {
            return "malformed: " + e.getMessage();
        }
    }

    private Object parsed(byte[] body, Boolean batch) {
        try {
            return parser.parseAnswerTo(body, batch);
        } catch (MalformedResponseException e) {
            return "malformed: " + e.getMessage();
        }
    }

    /** The fast reader refuses or agrees; the parser as a whole always agrees with Jackson. */
    private void agree(byte[] body) {
        for (Boolean batch : new Boolean[] {null, false, true}) {
            Object expected = jackson(body, batch);
            List<UpstreamAnswer> scanned = body.length == 0 ? null : parser.scan(body, batch);
            if (scanned != null) {
                assertThat(scanned).as("fast reader on %s", printable(body)).isEqualTo(expected);
            }
            if (batch != null) {
                assertThat(parsed(body, batch)).as("parser on %s", printable(body)).isEqualTo(expected);
            }
        }
    }

    @Test
    void validAnswersAreReadByTheFastReaderAsJacksonReadsThem() {
        for (String valid : VALID) {
            byte[] body = valid.getBytes(StandardCharsets.UTF_8);
            agree(body);
            if (!valid.contains("\\u0069d") && !valid.contains("\\u0031")) {
                assertThat(parser.scan(body, null)).as("taken by the fast reader: %s", valid).isNotNull();
            }
        }
    }

    @Test
    void escapedEnvelopeNamesAndIdsGoToJackson() {
        assertThat(parser.scan(utf8("{\"jsonrpc\":\"2.0\",\"\\u0069d\":1,\"result\":1}"), null)).isNull();
        assertThat(parser.parse(utf8("{\"jsonrpc\":\"2.0\",\"\\u0069d\":1,\"result\":1}")).get(0).id()).isEqualTo(1);
        assertThat(parser.parse(utf8("{\"jsonrpc\":\"2.0\",\"id\":\"\\u0031\",\"result\":1}")).get(0).id()).isEqualTo(1);
    }

    @Test
    void everyTruncationAgreesWithJackson() {
        for (String valid : VALID) {
            byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut < bytes.length; cut++) {
                agree(Arrays.copyOf(bytes, cut));
            }
        }
    }

    @Test
    void singleByteChangesAgreeWithJackson() {
        byte[] replacements = utf8("\"\\{}[],: \t0-+.eEtrufalsn\u0000\u001f\u007fx");
        byte[] high = {(byte) 0x80, (byte) 0xbf, (byte) 0xc0, (byte) 0xc3, (byte) 0xe2, (byte) 0xed, (byte) 0xf0,
            (byte) 0xf4, (byte) 0xf8, (byte) 0xff};
        for (String valid : VALID) {
            byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < bytes.length; at++) {
                for (byte[] set : List.of(replacements, high)) {
                    for (byte r : set) {
                        byte[] changed = bytes.clone();
                        changed[at] = r;
                        agree(changed);
                    }
                }
                byte[] dropped = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, dropped, 0, at);
                System.arraycopy(bytes, at + 1, dropped, at, bytes.length - at - 1);
                agree(dropped);
            }
        }
    }

    @Test
    void randomEditsOfLargeAnswersAgreeWithJackson() {
        Random random = new Random(8);
        byte[] large = largeAnswer(random, 64 * 1024);
        agree(large);
        assertThat(parser.scan(large, false)).isNotNull();
        byte[] pool = utf8("\"\\{}[],: 0-.eE\u0001");
        List<byte[]> edits = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] changed = large.clone();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                changed[random.nextInt(changed.length)] = random.nextInt(4) == 0
                        ? (byte) (0x80 + random.nextInt(128)) : pool[random.nextInt(pool.length)];
            }
            edits.add(changed);
        }
        for (byte[] changed : edits) {
            agree(changed);
        }
    }

    @Test
    void strictUtf8InStringsIsReadByTheFastReaderAndAnythingElseGoesToJackson() {
        byte[] valid = utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"aé€🚀\"}");
        assertThat(parser.scan(valid, null)).isNotNull();
        // Overlong '/', an encoded surrogate, a lone continuation byte, a code point past U+10FFFF.
        for (byte[] bad : List.of(new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                new byte[] {(byte) 0x80}, new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
            byte[] body = concat(utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"a"), bad, utf8("\"}"));
            assertThat(parser.scan(body, null)).isNull();
            agree(body);
        }
    }

    @Test
    void nestingPastTheScannersDepthGoesToJackson() {
        String deep = "[".repeat(4050) + "]".repeat(4050);
        byte[] body = utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + deep + "}");
        assertThat(parser.scan(body, null)).isNull();
        agree(body);
        String accepted = "{\"calls\":[".repeat(1024) + "]}".repeat(1024);
        assertThat(parser.scan(utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + accepted + "}"), null)).isNotNull();
    }

    private static byte[] largeAnswer(Random random, int size) {
        StringBuilder out = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"number\":\"0x1\",\"transactions\":[");
        for (int i = 0; out.length() < size; i++) {
            out.append(i > 0 ? "," : "").append("{\"hash\":\"0x").append(Long.toHexString(random.nextLong()))
                    .append("\",\"value\":").append(random.nextInt()).append(",\"gas\":1.5e3,\"ok\":true,\"to\":null,"
                            + "\"logs\":[],\"input\":\"\\u00e9x\\\"y\"}");
        }
        return utf8(out.append("]}}").toString());
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
