package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.Network;
import io.tiergate.selection.Selector;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What reaches the providers once the JSON-RPC service has answered what it could without them (local answers,
 * the answer cache, coalescing): one read (hedged or plain failover), one upstream batch, or one write
 * (a signed transaction broadcast or sent once, any other write sent once).
 */
public final class RequestRouter {

    private final FailoverLoop loop;
    private final PathRegistry paths;
    private final Broadcast broadcast;
    private final HedgedRead hedged;
    private final int upstreamBatchSize;

    /** {@code upstreamBatchSize}: the most items one upstream batch carries; a larger client batch is split. */
    public RequestRouter(Selector selector, String maxResponseSizeText, RequestMetrics metrics, PathRegistry paths,
            int upstreamBatchSize) {
        this.upstreamBatchSize = upstreamBatchSize;
        this.loop = new FailoverLoop(selector, maxResponseSizeText, metrics);
        this.paths = paths;
        this.broadcast = new Broadcast(loop);
        this.hedged = new HedgedRead(loop);
    }

    /** One read (or a notification): hedged when the network hedges and may, else the failover loop. */
    public Mono<RoutingResult> read(Network network, List<JsonRequest> request) {
        NetworkPaths networkPaths = paths.of(network);
        JsonRequest r = request.get(0);
        if (networkPaths.hedges() != null && !r.isNotification() && !StatefulMethods.isStateful(r.method())
                && network.providerCount() > 1) {
            return hedged.route(networkPaths, request);
        }
        return loop.run(FailoverLoop.context(network, request, false));
    }

    /**
     * Items of a client batch, sent upstream as one batch, or in chunks of {@code upstream-batch-size} sent at once
     * (providers cap their batches, viem sends up to 1,000); answers come back in the client's order. Transactions a
     * node already has are accepted.
     */
    public Mono<RoutingResult> batch(Network network, List<JsonRequest> requests) {
        if (requests.size() <= upstreamBatchSize) {
            return chunk(network, requests);
        }
        List<List<JsonRequest>> chunks = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += upstreamBatchSize) {
            chunks.add(requests.subList(from, Math.min(requests.size(), from + upstreamBatchSize)));
        }
        return Flux.fromIterable(chunks).flatMapSequential(chunk -> chunk(network, chunk)).collectList()
                .map(results -> RoutingResult.concat(requests, results));
    }

    private Mono<RoutingResult> chunk(Network network, List<JsonRequest> requests) {
        return loop.run(FailoverLoop.context(network, requests, true)).map(Acceptance::settleBatch);
    }

    /** One write ({@link WriteMethods#isWrite}), sent so that it takes effect once. */
    public Mono<RoutingResult> write(Network network, List<JsonRequest> request) {
        if (!WriteMethods.isRawTransaction(request.get(0).method())) {
            return loop.run(FailoverLoop.context(network, request, false));
        }
        NetworkPaths networkPaths = paths.of(network);
        return switch (networkPaths.config().broadcastMode()) {
            case ALL_IN_TIER -> broadcast.send(networkPaths, request);
            case FIRST_SUCCESS -> loop.run(FailoverLoop.context(network, request, false).resendWrites())
                    .flatMap(Acceptance::settle);
            case SINGLE -> loop.run(FailoverLoop.context(network, request, false)).flatMap(Acceptance::settle);
        };
    }
}
