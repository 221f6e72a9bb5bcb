package io.tiergate.routing;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.metrics.HedgeMetrics;
import io.tiergate.provider.Provider;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A read that does not wait on one slow provider: when the chosen provider has not answered within the
 * hedge delay, one more call goes to the next provider the selector picks (never one already tried), and
 * the first answer wins. The loser's call is cancelled, which hands its breaker permit back uncharged and
 * ends its in-flight count. At most {@code hedge.max-in-flight} hedges run at once per network, so hedging
 * cannot double the load of a provider that is already struggling.
 */
final class HedgedRead {

    private final FailoverLoop loop;

    HedgedRead(FailoverLoop loop) {
        this.loop = loop;
    }

    Mono<RoutingResult> route(NetworkPaths paths, List<JsonRequest> requests) {
        return Mono.defer(() -> {
            Set<Provider> tried = ConcurrentHashMap.newKeySet();
            RoutingContext first = FailoverLoop.context(paths.network(), requests, false).shareTried(tried);
            HedgeMetrics metrics = paths.hedgeMetrics();
            RoutingContext hedge = first.twin().shareTried(tried).maxAttempts(1).withoutLastResort()
                    .onAttempt(p -> metrics.sent());
            AtomicReference<RoutingResult> firstResult = new AtomicReference<>();
            Sinks.One<Boolean> firstEnded = Sinks.one();

            Mono<Winner> firstCall = loop.run(first)
                    .doOnNext(r -> {
                        firstResult.set(r);
                        firstEnded.tryEmitValue(Boolean.TRUE);
                    })
                    .filter(HedgedRead::answered)
                    .map(r -> new Winner(r, false));
            // Subscribed after firstCall, whose selection runs on subscription: its provider is known here.
            Mono<Winner> hedgeCall = Mono.defer(() -> Mono.delay(paths.hedgeDelay(first.firstProvider())))
                    // The first call ended (answered or gave up) before the delay: no hedge.
                    .takeUntilOther(firstEnded.asMono())
                    .flatMap(tick -> start(paths.hedges(), metrics, hedge))
                    .filter(HedgedRead::answered)
                    .map(r -> new Winner(r, true));

            return Mono.firstWithValue(firstCall, hedgeCall)
                    .map(winner -> {
                        if (winner.hedge()) {
                            metrics.won();
                        }
                        return withAttempts(winner.result(), first.attempts() + hedge.attempts());
                    })
                    // Neither answered: the first call's outcome (its failover story) is the client's.
                    .onErrorResume(e -> firstResult.get() == null ? Mono.error(e)
                            : Mono.just(withAttempts(firstResult.get(), first.attempts() + hedge.attempts())));
        });
    }

    private Mono<RoutingResult> start(Bulkhead bound, HedgeMetrics metrics, RoutingContext hedge) {
        if (!bound.tryAcquirePermission()) {
            metrics.suppressed();
            return Mono.empty();
        }
        return loop.run(hedge).doFinally(signal -> bound.onComplete());
    }

    /** An answer from a provider (a result or its own error), as opposed to tiergate's "no provider could". */
    private static boolean answered(RoutingResult result) {
        return result.answers()[0] != null;
    }

    private static RoutingResult withAttempts(RoutingResult r, int attempts) {
        return new RoutingResult(r.requests(), r.answers(), r.errors(), r.answeredBy(), attempts);
    }

    private record Winner(RoutingResult result, boolean hedge) {
    }
}
