package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.Network;
import io.tiergate.selection.Selector;
import java.util.List;
import reactor.core.publisher.Mono;

/** Where a client's allowed requests are answered: the failover loop. */
public final class RequestRouter {

    private final FailoverLoop loop;

    public RequestRouter(Selector selector, String maxResponseSizeText, RequestMetrics metrics) {
        this.loop = new FailoverLoop(selector, maxResponseSizeText, metrics);
    }

    /** {@code requests}: valid, allowed requests in client order; {@code batch}: send as a JSON array. */
    public Mono<RoutingResult> route(Network network, List<JsonRequest> requests, boolean batch) {
        return Mono.defer(() -> loop.run(FailoverLoop.context(network, requests, batch)));
    }
}
