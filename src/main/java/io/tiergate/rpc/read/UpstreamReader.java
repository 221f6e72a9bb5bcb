package io.tiergate.rpc.read;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.routing.RequestRouter;
import io.tiergate.routing.RoutingResult;
import java.util.List;
import reactor.core.publisher.Mono;

/** The end of the read path: what no reader answered goes to the providers (a batch as one upstream batch). */
final class UpstreamReader implements Reader {

    private final RequestRouter router;

    UpstreamReader(RequestRouter router) {
        this.router = router;
    }

    @Override
    public Mono<RoutingResult> read(ReadCall call) {
        List<JsonRequest> rest = call.unanswered();
        Mono<RoutingResult> routed = call.batch() ? router.batch(call.network(), rest)
                : router.read(call.network(), rest);
        // Nothing answered on the way down: the router's result is already the whole answer.
        return rest == call.requests() ? routed : routed.map(call::merge);
    }
}
