package io.tiergate.routing;

import io.tiergate.jsonrpc.EnvelopeBenchmark.Bodies;
import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.ParsedBody;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.RequestParser;
import io.tiergate.jsonrpc.ResponseParser;
import io.tiergate.jsonrpc.ResponseWriter;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.ProviderFixtures;
import io.tiergate.provider.StrategyType;
import io.tiergate.testsupport.MutableClock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The id rewrite, and everything a request's bytes go through apart from the network: parse the client
 * body, write the upstream body under the gateway's ids (position + 1), parse the provider's answer,
 * match it to the requests by id, and write the answer back under the client's ids.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoundTripBenchmark {

    private final RequestParser requestParser = new RequestParser(100);
    private final ResponseParser responseParser = new ResponseParser();
    private final byte[] batch = Bodies.batchRequest(10);
    private final byte[] batchAnswer = Bodies.batchAnswer(10);
    private ProviderFixtures fixtures;
    private Network network;
    private Provider provider;
    private List<JsonRequest> singleRequests;
    private List<JsonRequest> batchRequests;

    @Setup(Level.Trial)
    public void setUp() {
        fixtures = new ProviderFixtures(new MutableClock());
        provider = fixtures.provider("local_1", "local", 100);
        network = fixtures.network(StrategyType.PRIORITY_WEIGHTED, ProviderFixtures.tier("local", provider));
        singleRequests = requestParser.parse(Bodies.SINGLE_REQUEST).requests();
        batchRequests = requestParser.parse(batch).requests();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixtures.close();
    }

    /** The upstream body of a single request: client id out, gateway id 1 in. */
    @Benchmark
    public byte[] rewriteSingle() {
        RoutingContext context = new RoutingContext(network, singleRequests, false, Long.MAX_VALUE);
        context.prepare(provider);
        return context.upstreamBody();
    }

    /** The upstream body of a batch of 10 (ids 1..10). */
    @Benchmark
    public byte[] rewriteBatch() {
        RoutingContext context = new RoutingContext(network, batchRequests, true, Long.MAX_VALUE);
        context.prepare(provider);
        return context.upstreamBody();
    }

    @Benchmark
    public byte[] roundTripSingle() {
        return roundTrip(Bodies.SINGLE_REQUEST, Bodies.SINGLE_ANSWER);
    }

    @Benchmark
    public byte[] roundTripBatch() {
        return roundTrip(batch, batchAnswer);
    }

    private byte[] roundTrip(byte[] clientBody, byte[] providerAnswer) {
        ParsedBody parsed = requestParser.parse(clientBody);
        RoutingContext context = new RoutingContext(network, parsed.requests(), parsed.batch(), Long.MAX_VALUE);
        // As the failover loop does: pick what this provider is sent, then write it.
        context.prepare(provider);
        byte[] upstream = context.upstreamBody();
        context.apply(provider, responseParser.parse(providerAnswer));
        RoutingResult result = context.result();
        JsonBytes out = new JsonBytes(upstream.length + 64 * parsed.size());
        if (parsed.batch()) {
            out.writeByte('[');
        }
        for (int i = 0; i < result.requests().size(); i++) {
            if (i > 0) {
                out.writeByte(',');
            }
            RawJson id = result.requests().get(i).id();
            ResponseWriter.writeAnswer(out, id, result.answers()[i]);
        }
        if (parsed.batch()) {
            out.writeByte(']');
        }
        return out.toByteArray();
    }
}
