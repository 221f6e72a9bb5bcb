package io.tiergate.rpc.read;

import io.tiergate.routing.RoutingResult;
import reactor.core.publisher.Mono;

/** One step of the read path: answers what it can of a call and hands the rest to the next step. */
@FunctionalInterface
interface Reader {

    /** The answers to every request of {@code call}, by position. */
    Mono<RoutingResult> read(ReadCall call);
}
