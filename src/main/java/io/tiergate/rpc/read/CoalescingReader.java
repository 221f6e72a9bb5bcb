package io.tiergate.rpc.read;

import io.tiergate.cache.RequestKey;
import io.tiergate.coalescing.Coalescer;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.metrics.LocalAnswerMetrics;
import io.tiergate.routing.RoutingResult;
import io.tiergate.routing.StatefulMethods;
import reactor.core.publisher.Mono;

/**
 * A single read identical to one already in flight waits for that one's answer instead of calling a provider
 * again. Batches, notifications and reads of per-caller node state (filters) always go on.
 */
final class CoalescingReader implements Reader {

    private final Coalescer<RequestKey, RoutingResult> coalescer;
    private final LocalAnswerMetrics metrics;
    private final Reader next;

    CoalescingReader(Coalescer<RequestKey, RoutingResult> coalescer, LocalAnswerMetrics metrics, Reader next) {
        this.coalescer = coalescer;
        this.metrics = metrics;
        this.next = next;
    }

    @Override
    public Mono<RoutingResult> read(ReadCall call) {
        JsonRequest request = call.request(0);
        if (call.batch() || request.isNotification() || StatefulMethods.isStateful(request.method())) {
            return next.read(call);
        }
        Coalescer.Shared<RoutingResult> shared = coalescer.join(call.key(0), () -> next.read(call));
        if (shared.leader()) {
            return shared.call();
        }
        metrics.coalesced();
        call.joined();
        // The same answer under this client's own request (its id); the provider calls were the other's.
        return shared.call().map(r -> new RoutingResult(call.requests(), r.answers(), r.errors(), r.answeredBy(), 0));
    }
}
