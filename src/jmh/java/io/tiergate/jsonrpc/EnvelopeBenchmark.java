package io.tiergate.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Envelope work of one request, piece by piece: parsing a client body (single and batch of 10), parsing a
 * provider's answer (single, batch of 10, and a ~1 MiB block that must be validated but never decoded; the
 * {@code *Jackson} variants read the same bodies with Jackson's token stream alone, the reader before the scanner),
 * and writing an answer back under the client's id.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeBenchmark {

    private final RequestParser requestParser = new RequestParser(100);
    private final ResponseParser responseParser = new ResponseParser();
    private final byte[] single = Bodies.SINGLE_REQUEST;
    private final byte[] batch = Bodies.batchRequest(10);
    private final byte[] singleAnswer = Bodies.SINGLE_ANSWER;
    private final byte[] batchAnswer = Bodies.batchAnswer(10);
    private final byte[] largeAnswer = Bodies.largeAnswer(1 << 20);
    private final UpstreamAnswer answer = responseParser.parse(singleAnswer).get(0);
    private final RawJson clientId = RawJson.of("\"client-7f3a\"");

    @Benchmark
    public ParsedBody parseSingleRequest() {
        return requestParser.parse(single);
    }

    @Benchmark
    public ParsedBody parseBatchRequest() {
        return requestParser.parse(batch);
    }

    @Benchmark
    public List<UpstreamAnswer> parseSingleAnswer() {
        return responseParser.parse(singleAnswer);
    }

    @Benchmark
    public List<UpstreamAnswer> parseBatchAnswer() {
        return responseParser.parse(batchAnswer);
    }

    /** Per byte of a large result: compare with the body's size in the gc profiler's bytes/op. */
    @Benchmark
    public List<UpstreamAnswer> parseLargeAnswer() {
        return responseParser.parse(largeAnswer);
    }

    /** The same body through Jackson's token stream alone, as every answer was read before the fast reader. */
    @Benchmark
    public List<UpstreamAnswer> parseLargeAnswerJackson() {
        return responseParser.parseWithJackson(largeAnswer, null);
    }

    @Benchmark
    public List<UpstreamAnswer> parseSingleAnswerJackson() {
        return responseParser.parseWithJackson(singleAnswer, null);
    }

    @Benchmark
    public List<UpstreamAnswer> parseBatchAnswerJackson() {
        return responseParser.parseWithJackson(batchAnswer, null);
    }

    @Benchmark
    public byte[] writeSingleAnswer() {
        JsonBytes out = new JsonBytes(answer.result().length() + 64);
        ResponseWriter.writeAnswer(out, clientId, answer);
        return out.toByteArray();
    }

    /** Bodies shaped like the benchmark harness's (bench/fixtures.awk). */
    public static final class Bodies {

        public static final byte[] SINGLE_REQUEST =
                ascii("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}");
        public static final byte[] SINGLE_ANSWER = ascii("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1406f40\"}");
        private static final String ADDRESS = "\"0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5\"";

        private Bodies() {
        }

        public static byte[] batchRequest(int n) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 1; i <= n; i++) {
                out.append(i > 1 ? "," : "").append("{\"jsonrpc\":\"2.0\",\"id\":").append(i)
                        .append(",\"method\":\"eth_getBalance\",\"params\":[").append(ADDRESS).append(",\"latest\"]}");
            }
            return ascii(out.append(']').toString());
        }

        public static byte[] batchAnswer(int n) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 1; i <= n; i++) {
                out.append(i > 1 ? "," : "").append("{\"jsonrpc\":\"2.0\",\"id\":").append(i)
                        .append(",\"result\":\"0x1bc16d674ec80000\"}");
            }
            return ascii(out.append(']').toString());
        }

        /** An eth_getBlockByNumber answer with full transactions, about {@code size} bytes. */
        public static byte[] largeAnswer(int size) {
            StringBuilder out = new StringBuilder(size + 2048)
                    .append("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"number\":\"0x1406f40\",\"transactions\":[");
            for (int i = 0; out.length() < size; i++) {
                out.append(i > 0 ? "," : "").append("{\"hash\":\"0x").append(hex(i, 64)).append("\",\"from\":")
                        .append(ADDRESS).append(",\"to\":").append(ADDRESS).append(",\"input\":\"0xa9059cbb")
                        .append(hex(i * 31L, 128)).append("\",\"nonce\":\"0x").append(Integer.toHexString(i))
                        .append("\",\"value\":\"0x0\",\"gas\":\"0x5208\",\"type\":\"0x2\",\"accessList\":[],\"r\":\"0x")
                        .append(hex(i * 7L, 64)).append("\",\"s\":\"0x").append(hex(i * 13L, 64)).append("\"}");
            }
            return ascii(out.append("]}}").toString());
        }

        private static String hex(long seed, int length) {
            StringBuilder out = new StringBuilder(length);
            long x = seed * 0x9E3779B97F4A7C15L + 1;
            while (out.length() < length) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                out.append(Long.toHexString(x & 0xf));
            }
            return out.toString();
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
