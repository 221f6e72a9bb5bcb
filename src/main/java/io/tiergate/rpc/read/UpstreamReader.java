package io.tiergate.rpc.read;

import io.tiergate.routing.RequestRouter;
import io.tiergate.routing.RoutingResult;
import reactor.core.publisher.Mono;

/** The end of the read path: what no reader answered goes to the providers (a batch as one upstream batch). */
final class UpstreamReader implements Reader {

    private final RequestRouter router;

    UpstreamReader(RequestRouter router) {
        this.router = router;
    }

    @Override
    public Mono<RoutingResult> read(ReadCall call) {
        Mono<RoutingResult> routed = call.batch() ? router.batch(call.network(), call.unanswered())
                : router.read(call.network(), call.unanswered());
        return routed.map(call::merge);
    }
}
