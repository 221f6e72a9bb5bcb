package io.tiergate.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.TestNetwork;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A corpus of malformed client requests, each sent as raw bytes: every answer is a well-formed JSON-RPC error
 * (one object, or an array of them for a batch) with the documented HTTP status, never a 500 or a stack trace,
 * and the gateway still serves a valid request right after it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestCorpusIT extends GatewayTest {

    static final int MAX_BATCH = 10;
    static final int MAX_BYTES = 256 * 1024;
    static final AnvilNode anvil = AnvilNode.start();

    static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(1_000_000).build()).build())
            .build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final String VALID = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
    static final String HUGE_ID = "9".repeat(100_000);

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tiergate.max-request-size", () -> "256KB");
        registry.add("tiergate.max-batch-size", () -> String.valueOf(MAX_BATCH));
        TestNetwork.named("ethereum").tier("local", TestNetwork.provider("anvil_local", anvil.url())).register(registry);
    }

    @AfterAll
    static void stop() {
        anvil.close();
    }

    /** One malformed request and what the gateway must answer. {@code itemCodes} non-null: a batch answer. */
    record Case(String name, byte[] body, String contentType, String path, boolean chunked, int status, int code,
            String id, int[] itemCodes) {
        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @Order(1)
    @MethodSource("corpus")
    void malformedRequestGetsTheDocumentedJsonRpcErrorAndTheGatewayKeepsServing(Case c) throws Exception {
        HttpResponse<byte[]> response = send(c);
        String text = new String(response.body(), StandardCharsets.UTF_8);

        assertThat(response.statusCode()).as("status for %s, body %s", c.name(), clip(text)).isNotEqualTo(500)
                .isEqualTo(c.status());
        assertThat(text).doesNotContain("Exception", "at io.", "\tat ", "java.lang", "tools.jackson", "reactor.core");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        if (c.itemCodes() == null) {
            assertError(body, c.code());
            // The id is echoed as raw bytes: compare the text, not a re-serialized node.
            assertThat(text).as("id").startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + c.id() + ",");
        } else {
            assertThat(body.isArray()).as("batch answer is an array: %s", clip(text)).isTrue();
            assertThat(body.size()).isEqualTo(c.itemCodes().length);
            for (int i = 0; i < c.itemCodes().length; i++) {
                assertError(body.get(i), c.itemCodes()[i]);
            }
        }

        HttpResponse<byte[]> after = post("/", VALID.getBytes(StandardCharsets.UTF_8), "application/json", false);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(after.body()).get("result").asString()).isEqualTo("0x7a69");
    }

    /**
     * Memory stays bounded under a flood of bad input: the whole corpus is replayed {@value #ROUNDS} times from
     * {@value #THREADS} threads while Netty's leak detector watches every buffer (paranoid). Heap after GC and
     * Netty's direct memory after the last round stay within a small margin of what they were after round 2
     * (pools warmed up), and no buffer is reported leaked.
     */
    @Test
    @Order(2)
    void replayingTheCorpusUnderConcurrencyKeepsMemoryBoundedAndLeaksNoBuffer(CapturedOutput output) throws Exception {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            List<Case> cases = corpus().toList();
            long[] heapAfterRound = new long[ROUNDS];
            long[] directAfterRound = new long[ROUNDS];
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    List<Future<Integer>> statuses = new ArrayList<>();
                    for (Case c : cases) {
                        statuses.add(pool.submit(() -> send(c).statusCode()));
                    }
                    for (int i = 0; i < cases.size(); i++) {
                        assertThat(statuses.get(i).get(60, TimeUnit.SECONDS)).as(cases.get(i).name())
                                .isEqualTo(cases.get(i).status());
                    }
                    heapAfterRound[round] = heapAfterGc();
                    directAfterRound[round] = nettyDirectMemory();
                }
            } finally {
                pool.shutdownNow();
            }
            // Leaked buffers are reported when the detector next allocates after the GC collected them.
            heapAfterGc();
            for (int i = 0; i < 20; i++) {
                assertThat(post("/", VALID.getBytes(StandardCharsets.UTF_8), "application/json", false).statusCode())
                        .isEqualTo(200);
            }
            System.out.printf("bad input x%d (%d requests, %d threads): heap after GC by round (MB) %s; Netty direct "
                            + "memory by round (MB) %s%n", ROUNDS, ROUNDS * cases.size(), THREADS,
                    Arrays.toString(Arrays.stream(heapAfterRound).map(b -> b >> 20).toArray()),
                    Arrays.toString(Arrays.stream(directAfterRound).map(b -> b >> 20).toArray()));
            assertThat(heapAfterRound[ROUNDS - 1]).as("heap after GC, last round vs round 2")
                    .isLessThan(heapAfterRound[1] + HEAP_MARGIN);
            assertThat(directAfterRound[ROUNDS - 1]).as("Netty direct memory, last round vs round 2")
                    .isLessThanOrEqualTo(directAfterRound[1] + DIRECT_MARGIN);
            assertThat(output.getAll()).as("Netty leak reports").doesNotContain("LEAK:");
        } finally {
            ResourceLeakDetector.setLevel(before);
        }
    }

    static final int ROUNDS = 8;
    static final int THREADS = 4;
    static final long HEAP_MARGIN = 48L << 20;
    static final long DIRECT_MARGIN = 16L << 20;

    private static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long nettyDirectMemory() {
        assertThat(ByteBufAllocator.DEFAULT).isInstanceOf(ByteBufAllocatorMetricProvider.class);
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    private static void assertError(JsonNode node, int code) {
        assertThat(node.isObject()).as("error object: %s", clip(node.toString())).isTrue();
        assertThat(node.get("jsonrpc").asString()).isEqualTo("2.0");
        assertThat(node.has("id")).isTrue();
        assertThat(node.has("result")).isFalse();
        JsonNode error = node.get("error");
        assertThat(error).as("error member in %s", clip(node.toString())).isNotNull();
        assertThat(error.get("code").isIntegralNumber()).isTrue();
        assertThat(error.get("code").asInt()).as("code in %s", clip(node.toString())).isEqualTo(code);
        assertThat(error.get("message").isString()).isTrue();
        assertThat(error.get("message").asString()).isNotBlank();
    }

    private HttpResponse<byte[]> send(Case c) throws IOException, InterruptedException {
        return post(c.path(), c.body(), c.contentType(), c.chunked());
    }

    private HttpResponse<byte[]> post(String path, byte[] body, String contentType, boolean chunked)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String clip(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    // ------------------------------------------------------------------------------------------ the corpus

    static final int PARSE = -32700;
    static final int INVALID = -32600;
    static final int DENIED = -32601;

    static Stream<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        badJson(cases);
        wrongTypes(cases);
        hugeIds(cases);
        deepNesting(cases);
        unicode(cases);
        sizes(cases);
        contentTypes(cases);
        truncations(cases);
        emptyAndWhitespace(cases);
        otherEncodings(cases);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
        return cases.stream();
    }

    private static Case single(String name, String body, int status, int code) {
        return single(name, utf8(body), status, code, "null");
    }

    private static Case single(String name, byte[] body, int status, int code, String id) {
        return new Case(name, body, "application/json", "/", false, status, code, id, null);
    }

    private static Case batch(String name, String body, int... codes) {
        return new Case(name, utf8(body), "application/json", "/", false, 200, 0, null, codes);
    }

    private static void badJson(List<Case> cases) {
        String[] parseErrors = {"{", "}", "[", "]", "{]", "[}", "{\"a\"}", "{\"a\":}", "{,}", "[,]", "[1,]", "{:1}",
            "{\"jsonrpc\":\"2.0\",}", "{'jsonrpc':'2.0','id':1,'method':'eth_chainId'}",
            "{jsonrpc:\"2.0\",id:1,method:\"eth_chainId\"}", "/* c */" + VALID, VALID + " // c", "{\"id\":NaN}",
            "{\"id\":Infinity}", "{\"id\":-Infinity}", "{\"id\":0x10}", "{\"id\":+1}", "{\"id\":.5}", "{\"id\":1.}",
            "{\"id\":01}", "{\"id\":--1}", "{\"id\":1e}", "{\"id\":\"unterminated}", "{\"id\":\"\\x41\"}",
            "{\"id\":\"\\u12\"}", "{\"id\":\"\\uZZZZ\"}", "{\"id\":\"raw\ttab\"}", "{\"id\":\"raw\nnewline\"}",
            "{\"id\":tru}", "{\"id\":nul}", "{\"id\":True}", "{\"id\":undefined}", VALID + VALID, VALID + "x",
            VALID + "]", VALID + ",", "[" + VALID + "]]", "[" + VALID + "}", "[" + VALID + " " + VALID + "]",
            "{\"jsonrpc\" \"2.0\"}", "{\"jsonrpc\":\"2.0\" \"id\":1}", "<html></html>",
            "<?xml version=\"1.0\"?><methodCall/>", "jsonrpc=2.0&method=eth_chainId", "]" + VALID, "\\",
            "{\"method\":\"eth_chainId\"\u0000}", "{{}}", "[[1,2]"};
        for (int i = 0; i < parseErrors.length; i++) {
            cases.add(single("bad JSON #" + i + ": " + printable(parseErrors[i]), parseErrors[i], 400, PARSE));
        }
        String[] notRequests = {"\"unterminated", "1", "-0", "1e5", "\"eth_chainId\"", "null", "true", "false", "1 2", "null garbage"};
        for (String s : notRequests) {
            cases.add(single("top-level scalar " + s, s, 400, INVALID));
        }
    }

    private static void wrongTypes(List<Case> cases) {
        String[] wrongValues = {"1", "-1.5", "\"x\"", "true", "false", "null", "{}", "[]", "{\"a\":1}", "[1,2]", "\"\""};
        for (String v : wrongValues) {
            if (!v.equals("\"2.0\"")) {
                cases.add(single("jsonrpc " + v, "{\"jsonrpc\":" + v + ",\"id\":7,\"method\":\"eth_chainId\"}", 400,
                        INVALID, "7"));
            }
            boolean scalarId = !v.startsWith("{") && !v.startsWith("[") && !v.equals("true") && !v.equals("false");
            if (!scalarId) {
                cases.add(single("id " + v, "{\"jsonrpc\":\"2.0\",\"id\":" + v + ",\"method\":\"eth_chainId\"}",
                        400, INVALID, "null"));
            }
            if (!v.startsWith("\"x")) {
                cases.add(single("method " + v, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":" + v + "}", 400,
                        INVALID, "7"));
            }
            if (!v.startsWith("{") && !v.startsWith("[") && !v.equals("null")) {
                cases.add(single("params " + v,
                        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_chainId\",\"params\":" + v + "}", 400,
                        INVALID, "7"));
            }
        }
        String[] versions = {"\"2\"", "\"2.00\"", "\"1.0\"", "\" 2.0\"", "\"2.0 \"", "2.0"};
        for (String v : versions) {
            cases.add(single("jsonrpc version " + v, "{\"jsonrpc\":" + v + ",\"id\":7,\"method\":\"eth_chainId\"}",
                    400, INVALID, "7"));
        }
        cases.add(single("missing jsonrpc", "{\"id\":7,\"method\":\"eth_chainId\"}", 400, INVALID, "7"));
        cases.add(single("missing method", "{\"jsonrpc\":\"2.0\",\"id\":7}", 400, INVALID, "7"));
        cases.add(single("empty object", "{}", 400, INVALID));
        cases.add(single("duplicate method, last not a string",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_chainId\",\"method\":1}", 400, INVALID, "7"));
        // Items of a batch: per-item errors with HTTP 200.
        for (String v : new String[] {"1", "\"x\"", "null", "true", "[]", "{}", "[{}]"}) {
            cases.add(batch("batch item " + v, "[" + v + "]", INVALID));
        }
        cases.add(batch("batch of invalid items", "[1,{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"eth_chainId\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"},{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":4}]",
                INVALID, INVALID, INVALID, INVALID));
        cases.add(batch("batch with a denied and an invalid item",
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_peers\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"params\":[]}]",
                DENIED, INVALID));
        cases.add(batch("batch item with denied method spelled with an escape",
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin\\u005fpeers\"}]", DENIED));
        cases.add(single("denied method spelled with an escape",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"personal\\u005fsign\",\"params\":[]}", 403, DENIED, "1"));
    }

    private static Case single(String name, String body, int status, int code, String id) {
        return single(name, utf8(body), status, code, id);
    }

    private static void hugeIds(List<Case> cases) {
        cases.add(single("100k-digit id, missing method", "{\"jsonrpc\":\"2.0\",\"id\":" + HUGE_ID + "}", 400,
                INVALID, HUGE_ID));
        cases.add(single("negative 100k-digit id with exponent, wrong version",
                "{\"jsonrpc\":\"1.0\",\"id\":-" + HUGE_ID + ".5e-99999,\"method\":\"eth_chainId\"}", 400, INVALID,
                "-" + HUGE_ID + ".5e-99999"));
        cases.add(single("100k-character string id, method a number",
                "{\"jsonrpc\":\"2.0\",\"id\":\"" + "x".repeat(100_000) + "\",\"method\":5}", 400, INVALID,
                "\"" + "x".repeat(100_000) + "\""));
        cases.add(single("100k-digit id with leading zero", "{\"jsonrpc\":\"2.0\",\"id\":0" + HUGE_ID + "}", 400,
                PARSE));
        cases.add(single("100k-digit id, truncated", "{\"jsonrpc\":\"2.0\",\"id\":" + HUGE_ID, 400, PARSE));
        cases.add(single("100k-digit object key", "{\"" + HUGE_ID + "\":1}", 400, PARSE));
        cases.add(batch("batch of two invalid items with 100k-digit ids",
                "[{\"jsonrpc\":\"2.0\",\"id\":" + HUGE_ID + "},{\"id\":-" + HUGE_ID + ",\"method\":\"eth_chainId\"}]",
                INVALID, INVALID));
    }

    private static void deepNesting(List<Case> cases) {
        int n = 10_000;
        cases.add(single("10k nested arrays", "[".repeat(n) + "]".repeat(n), 400, PARSE));
        cases.add(single("10k nested arrays, unclosed", "[".repeat(n), 400, PARSE));
        cases.add(single("10k nested objects", "{\"a\":".repeat(n) + "1" + "}".repeat(n), 400, PARSE));
        cases.add(single("10k nested params", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":"
                + "[".repeat(n) + "]".repeat(n) + "}", 400, PARSE));
        cases.add(single("10k nested id", "{\"jsonrpc\":\"2.0\",\"id\":" + "[".repeat(n) + "]".repeat(n) + "}", 400,
                PARSE));
        cases.add(single("10k nested unknown member", "{\"x\":" + "{\"a\":".repeat(n) + "1" + "}".repeat(n) + "}",
                400, PARSE));
        cases.add(single("batch with a 10k nested item", "[" + VALID + "," + "[".repeat(n) + "]".repeat(n) + "]",
                400, PARSE));
        cases.add(single("10k mixed nesting", "[{\"a\":".repeat(n / 2) + "0" + "}]".repeat(n / 2), 400, PARSE));
    }

    private static void unicode(List<Case> cases) {
        cases.add(single("lone high surrogate escaped in id of an invalid request",
                "{\"jsonrpc\":\"2.0\",\"id\":\"\\ud800\"}", 400, INVALID, "\"\\ud800\""));
        cases.add(single("lone low surrogate escaped in id of an invalid request",
                "{\"jsonrpc\":\"2.0\",\"id\":\"\\udc00\",\"method\":[]}", 400, INVALID, "\"\\udc00\""));
        cases.add(single("denied method with a lone surrogate escaped",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_\\ud800\"}", 403, DENIED, "1"));
        cases.add(single("denied method whose 64th character is half of an emoji",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_" + "a".repeat(57) + "😀\"}", 403, DENIED, "1"));
        cases.add(batch("batch item: denied method with a lone surrogate escaped",
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_\\udfff\"}]", DENIED));
        cases.add(single("denied method with escaped NUL and controls",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_\\u0000\\u001f\\\"\"}", 403, DENIED, "1"));
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        cases.add(single("UTF-8 BOM before an invalid request", concat(bom, utf8("{\"jsonrpc\":\"2.0\",\"id\":3}")),
                400, INVALID, "3"));
        cases.add(single("two UTF-8 BOMs", concat(bom, bom, utf8(VALID)), 400, PARSE, "null"));
        cases.add(single("UTF-8 BOM in the middle", concat(utf8("{\"jsonrpc\":"), bom, utf8("\"2.0\"}")), 400, PARSE,
                "null"));
        cases.add(single("UTF-8 BOM only", bom, 400, PARSE, "null"));
        String[][] badBytes = {{"overlong slash C0 AF", "C0AF"}, {"overlong E0 80 AF", "E080AF"},
            {"overlong F0 80 80 AF", "F08080AF"}, {"overlong NUL C0 80", "C080"}, {"byte FF", "FF"}, {"byte FE", "FE"},
            {"lone continuation 80", "80"}, {"truncated 2-byte E9", "E9"}, {"CESU surrogate ED A0 80", "EDA080"},
            {"code point above U+10FFFF F4 90 80 80", "F4908080"}, {"5-byte sequence F8", "F888808080"},
            {"raw NUL", "00"}, {"raw DEL-less control 01", "01"}};
        for (String[] b : badBytes) {
            byte[] bad = hex(b[1]);
            cases.add(single(b[0] + " inside the method string",
                    concat(utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId"), bad, utf8("\"}")), 400,
                    PARSE, "null"));
            cases.add(single(b[0] + " inside the id string",
                    concat(utf8("{\"jsonrpc\":\"2.0\",\"id\":\""), bad, utf8("\",\"method\":\"eth_chainId\"}")), 400,
                    PARSE, "null"));
            cases.add(single(b[0] + " between tokens", concat(utf8("{\"jsonrpc\":\"2.0\","), bad,
                    utf8("\"id\":1,\"method\":\"eth_chainId\"}")), 400, PARSE, "null"));
        }
        cases.add(single("overlong '{' C1 BB as first byte", concat(hex("C1BB"), utf8(VALID.substring(1))), 400,
                PARSE, "null"));
        cases.add(single("NUL byte before the body", concat(hex("00"), utf8(VALID)), 400, PARSE, "null"));
        cases.add(single("NUL byte after the body", concat(utf8(VALID), hex("00")), 400, PARSE, "null"));
        cases.add(single("escaped NUL id, invalid request", "{\"jsonrpc\":\"2.0\",\"id\":\"\\u0000\"}", 400, INVALID,
                "\"\\u0000\""));
        cases.add(single("no-break space as whitespace", "{\u00a0\"jsonrpc\":\"2.0\"}", 400, PARSE));
        cases.add(single("ideographic space as whitespace", "\u3000" + VALID, 400, PARSE));
        cases.add(single("fullwidth braces", "\uff5b\"jsonrpc\":\"2.0\"\uff5d", 400, PARSE));
        cases.add(single("smart quotes", "{\u201cjsonrpc\u201d:\u201c2.0\u201d}", 400, PARSE));
        cases.add(single("emoji key only", "{\"😀\":\"😀\"}", 400, INVALID));
        cases.add(single("form feed between tokens", "{\f\"jsonrpc\":\"2.0\"}", 400, PARSE));
    }

    private static void sizes(List<Case> cases) {
        byte[] big = utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[\""
                + "a".repeat(MAX_BYTES) + "\"]}");
        cases.add(new Case("body over max-request-size (Content-Length)", big, "application/json", "/", false, 413,
                INVALID, "null", null));
        cases.add(new Case("body over max-request-size (chunked)", big, "application/json", "/", true, 413, INVALID,
                "null", null));
        cases.add(new Case("body of 2 MB of spaces (chunked)", utf8(" ".repeat(2 * 1024 * 1024)), "application/json",
                "/", true, 413, INVALID, "null", null));
        cases.add(new Case("garbage body over max-request-size", new byte[MAX_BYTES + 1], "application/json", "/",
                false, 413, INVALID, "null", null));
        String item = VALID;
        cases.add(single("batch one over max-batch-size", "[" + String.join(",", java.util.Collections.nCopies(
                MAX_BATCH + 1, item)) + "]", 400, INVALID));
        cases.add(single("batch of 5000 numbers", "[" + String.join(",", java.util.Collections.nCopies(5000, "1"))
                + "]", 400, INVALID));
        cases.add(single("oversized batch with a broken last item", "[" + String.join(",",
                java.util.Collections.nCopies(MAX_BATCH, item)) + ",{\"x\":]", 400, INVALID));
        cases.add(single("empty batch", "[]", 400, INVALID));
        cases.add(single("empty batch with whitespace", "[ \n ]", 400, INVALID));
        int[] allInvalid = new int[MAX_BATCH];
        Arrays.fill(allInvalid, INVALID);
        cases.add(batch("full batch of invalid items", "[" + String.join(",", java.util.Collections.nCopies(
                MAX_BATCH, "{\"jsonrpc\":\"2.0\",\"id\":1}")) + "]", allInvalid));
    }

    private static void contentTypes(List<Case> cases) {
        String[] refused = {"text/html", "application/xml", "text/xml", "multipart/form-data; boundary=x",
            "image/png", "application/javascript", "text/csv", "application/pdf", "text/html; charset=utf-8",
            "application/xhtml+xml"};
        for (String t : refused) {
            cases.add(new Case("valid body as " + t, utf8(VALID), t, "/", false, 415, INVALID, "null", null));
            cases.add(new Case("bad body as " + t, utf8("<x>"), t, "/", false, 415, INVALID, "null", null));
        }
        for (String t : new String[] {"garbage", "application/", "/json", ";;;"}) {
            cases.add(new Case("malformed Content-Type '" + t + "'", utf8(VALID), t, "/", false, 415, INVALID,
                    "null", null));
        }
        cases.add(new Case("unknown network", utf8(VALID), "application/json", "/nope", false, 404, -32001, "null",
                null));
        cases.add(new Case("unknown network whose 64th character is half of an emoji", utf8(VALID),
                "application/json", "/" + "a".repeat(63) + "%F0%9F%98%80", false, 404, -32001, "null", null));
    }

    private static void truncations(List<Case> cases) {
        byte[] valid = utf8("{\"jsonrpc\":\"2.0\",\"id\":\"é😀\",\"method\":\"eth_getBalance\",\"params\":"
                + "[\"0x0000000000000000000000000000000000000000\",\"latest\"]}");
        for (int len = 1; len < valid.length; len++) {
            cases.add(single("request truncated to " + len + " of " + valid.length + " bytes",
                    Arrays.copyOf(valid, len), 400, PARSE, "null"));
        }
        byte[] batch = utf8("[" + VALID + ",{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_blockNumber\"}]");
        for (int len = 1; len < batch.length; len += 3) {
            cases.add(single("batch truncated to " + len + " of " + batch.length + " bytes",
                    Arrays.copyOf(batch, len), 400, PARSE, "null"));
        }
    }

    private static void emptyAndWhitespace(List<Case> cases) {
        for (String s : new String[] {"", " ", "\n", "\t", "\r\n", " \t\r\n ", " ".repeat(10_000)}) {
            cases.add(single("whitespace body " + printable(s.length() > 10 ? s.substring(0, 3) + "x" + s.length() : s),
                    s, 400, PARSE));
        }
        cases.add(new Case("empty body without Content-Type", new byte[0], null, "/", false, 400, PARSE, "null",
                null));
        cases.add(new Case("empty body, chunked", new byte[0], "application/json", "/", true, 400, PARSE, "null",
                null));
    }

    private static void otherEncodings(List<Case> cases) {
        String[][] encodings = {{"UTF-16BE", ""}, {"UTF-16LE", ""}, {"UTF-16", "BOM"}, {"UTF-32BE", ""},
            {"UTF-32LE", ""}};
        for (String[] e : encodings) {
            Charset cs = Charset.forName(e[0]);
            cases.add(new Case("valid request in " + e[0] + " " + e[1], VALID.getBytes(cs), "application/json", "/",
                    false, 400, PARSE, "null", null));
            cases.add(new Case("valid request in " + e[0] + " declared in the charset", VALID.getBytes(cs),
                    "application/json; charset=" + e[0], "/", false, 400, PARSE, "null", null));
        }
        cases.add(new Case("UTF-16LE with BOM", concat(hex("FFFE"), VALID.getBytes(StandardCharsets.UTF_16LE)),
                "application/json", "/", false, 400, PARSE, "null", null));
        cases.add(single("Latin-1 id", "{\"jsonrpc\":\"2.0\",\"id\":\"caf\u00e9\",\"method\":\"eth_chainId\"}"
                .getBytes(StandardCharsets.ISO_8859_1), 400, PARSE, "null"));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char ch : (s.length() > 60 ? s.substring(0, 60) + "..." : s).toCharArray()) {
            out.append(ch < 0x20 || ch == 0x7f ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
        }
        return out.toString();
    }
}
