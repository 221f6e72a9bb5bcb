package io.tiergate.routing;

import io.tiergate.cache.AnswerCache;
import io.tiergate.cache.RequestKey;
import io.tiergate.coalescing.Coalescer;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.Network;
import io.tiergate.selection.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Where a client's allowed requests are answered: locally (eth_chainId, net_version), from the answer cache,
 * by an identical read already in flight (coalescing), by a broadcast (signed transactions), by a hedged read,
 * or by the failover loop. Batches get local and cached answers per item; the rest goes upstream as one batch.
 */
public final class RequestRouter {

    /** Answers that depend on state a node keeps per caller (filters, subscriptions): never shared or hedged. */
    private static final Set<String> STATEFUL = Set.of(
            "eth_newFilter", "eth_newBlockFilter", "eth_newPendingTransactionFilter", "eth_getFilterChanges",
            "eth_getFilterLogs", "eth_uninstallFilter", "eth_subscribe", "eth_unsubscribe");

    private final FailoverLoop loop;
    private final PathRegistry paths;
    private final Broadcast broadcast;
    private final HedgedRead hedged;

    public RequestRouter(Selector selector, String maxResponseSizeText, RequestMetrics metrics, PathRegistry paths) {
        this.loop = new FailoverLoop(selector, maxResponseSizeText, metrics);
        this.paths = paths;
        this.broadcast = new Broadcast(loop);
        this.hedged = new HedgedRead(loop);
    }

    /** {@code requests}: valid, allowed requests in client order; {@code batch}: send as a JSON array. */
    public Mono<RoutingResult> route(Network network, List<JsonRequest> requests, boolean batch) {
        return route(network, requests, batch, RouteOptions.DEFAULT);
    }

    public Mono<RoutingResult> route(Network network, List<JsonRequest> requests, boolean batch,
            RouteOptions options) {
        NetworkPaths networkPaths = paths.of(network);
        return batch ? batch(networkPaths, requests, options) : single(networkPaths, requests, options);
    }

    private Mono<RoutingResult> single(NetworkPaths paths, List<JsonRequest> requests, RouteOptions options) {
        JsonRequest request = requests.get(0);
        String method = request.method();
        UpstreamAnswer local = LocalAnswers.answer(paths.network(), request);
        if (local != null) {
            paths.answerMetrics().answeredLocally(method);
            return Mono.just(answeredHere(requests, local));
        }
        if (WriteMethods.isRawTransaction(method)) {
            return transaction(paths, requests);
        }
        if (request.isNotification() || WriteMethods.isWrite(method)) {
            return loop.run(FailoverLoop.context(paths.network(), requests, false));
        }
        AnswerCache cache = cacheFor(paths, method);
        Coalescer<RequestKey, RoutingResult> coalescer = STATEFUL.contains(method) ? null : paths.coalescer();
        RequestKey key = cache != null || coalescer != null ? RequestKey.of(method, request.params()) : null;
        if (cache != null && options.readCache()) {
            RawJson hit = cache.get(key);
            if (hit != null) {
                return Mono.just(answeredHere(requests, new UpstreamAnswer(1, hit, null, 0, null)));
            }
        }
        Supplier<Mono<RoutingResult>> call = () -> read(paths, requests)
                .doOnNext(result -> store(paths, cache, options, key, request, result.answers()[0]));
        if (coalescer == null) {
            return call.get();
        }
        Coalescer.Shared<RoutingResult> shared = coalescer.join(key, call);
        if (shared.leader()) {
            return shared.call();
        }
        paths.answerMetrics().coalesced();
        // The same answer under this client's own request (its id); the provider calls were the other's.
        return shared.call().map(r -> new RoutingResult(requests, r.answers(), r.errors(), r.answeredBy(), 0));
    }

    private Mono<RoutingResult> read(NetworkPaths paths, List<JsonRequest> requests) {
        String method = requests.get(0).method();
        if (paths.hedges() != null && !STATEFUL.contains(method) && paths.network().providerCount() > 1) {
            return hedged.route(paths, requests);
        }
        return loop.run(FailoverLoop.context(paths.network(), requests, false));
    }

    private Mono<RoutingResult> transaction(NetworkPaths paths, List<JsonRequest> requests) {
        return switch (paths.config().broadcastMode()) {
            case ALL_IN_TIER -> broadcast.send(paths, requests);
            case FIRST_SUCCESS -> loop.run(FailoverLoop.context(paths.network(), requests, false).resendWrites())
                    .flatMap(Acceptance::settle);
            case SINGLE -> loop.run(FailoverLoop.context(paths.network(), requests, false)).flatMap(Acceptance::settle);
        };
    }

    /** Local and cached answers per item; the other items go upstream together, as one batch. */
    private Mono<RoutingResult> batch(NetworkPaths paths, List<JsonRequest> requests, RouteOptions options) {
        int n = requests.size();
        UpstreamAnswer[] answers = new UpstreamAnswer[n];
        RequestKey[] keys = new RequestKey[n];
        List<JsonRequest> upstream = new ArrayList<>(n);
        List<Integer> positions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JsonRequest r = requests.get(i);
            answers[i] = LocalAnswers.answer(paths.network(), r);
            if (answers[i] != null) {
                paths.answerMetrics().answeredLocally(r.method());
                continue;
            }
            AnswerCache cache = r.isNotification() ? null : cacheFor(paths, r.method());
            if (cache != null) {
                keys[i] = RequestKey.of(r.method(), r.params());
                RawJson hit = options.readCache() ? cache.get(keys[i]) : null;
                if (hit != null) {
                    answers[i] = new UpstreamAnswer(i + 1, hit, null, 0, null);
                    continue;
                }
            }
            upstream.add(r);
            positions.add(i);
        }
        if (upstream.isEmpty()) {
            return Mono.just(new RoutingResult(requests, answers, new GatewayError[n], null, 0));
        }
        return loop.run(FailoverLoop.context(paths.network(), upstream, true))
                .map(Acceptance::settleBatch)
                .map(routed -> {
                    GatewayError[] errors = new GatewayError[n];
                    for (int j = 0; j < upstream.size(); j++) {
                        int i = positions.get(j);
                        answers[i] = routed.answers()[j];
                        errors[i] = routed.errors()[j];
                        if (keys[i] != null) {
                            store(paths, cacheFor(paths, requests.get(i).method()), options, keys[i], requests.get(i),
                                    answers[i]);
                        }
                    }
                    return new RoutingResult(requests, answers, errors, routed.answeredBy(), routed.attempts());
                });
    }

    /** The network's cache when it may hold answers of {@code method}, else null. */
    private static AnswerCache cacheFor(NetworkPaths paths, String method) {
        return paths.cache() != null && AnswerCache.mayCache(method) ? paths.cache() : null;
    }

    private static void store(NetworkPaths paths, AnswerCache cache, RouteOptions options, RequestKey key,
            JsonRequest request, UpstreamAnswer answer) {
        if (cache != null && options.writeCache() && answer != null && !answer.isError()) {
            cache.offer(key, request.params(), answer.result(), paths.network().heads().bestHead());
        }
    }

    /** Answered without a provider call: no provider to name, no attempts. */
    private static RoutingResult answeredHere(List<JsonRequest> requests, UpstreamAnswer answer) {
        return new RoutingResult(requests, new UpstreamAnswer[] {answer}, new GatewayError[1], null, 0);
    }
}
