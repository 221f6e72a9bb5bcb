package io.tiergate.rpc.read;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.cache.AnswerCache;
import io.tiergate.coalescing.Coalescer;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.metrics.LocalAnswerMetrics;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.RequestPaths;
import io.tiergate.routing.RequestRouter;
import io.tiergate.routing.RouteOptions;
import io.tiergate.routing.RoutingResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The read path of every network, composed once at start-up from the features it turned on: local answers,
 * then the answer cache, then coalescing, then the router (networks do not change at run time).
 */
public final class Reads {

    private final Map<String, Reader> paths = new HashMap<>();

    public Reads(NetworkRegistry networks, MeterRegistry meters, RequestRouter router) {
        Reader upstream = new UpstreamReader(router);
        for (Network network : networks.networks()) {
            paths.put(network.name(), compose(network, meters, upstream));
        }
    }

    private static Reader compose(Network network, MeterRegistry meters, Reader upstream) {
        RequestPaths config = network.definition().paths();
        LocalAnswerMetrics metrics = new LocalAnswerMetrics(meters, network.name());
        Reader path = upstream;
        if (config.coalescing()) {
            path = new CoalescingReader(new Coalescer<>(), metrics, path);
        }
        RequestPaths.Cache cache = config.cache();
        if (cache.enabled()) {
            AnswerCache answers = new AnswerCache(cache.maxBytes(), cache.confirmations());
            metrics.bindCache(answers.caffeine(), answers::weightedSize);
            path = new CacheReader(answers, path);
        }
        if (config.localAnswers()) {
            path = new LocalAnswerReader(metrics, path);
        }
        return path;
    }

    /**
     * {@code requests}: valid, allowed reads (or notifications) of {@code network} in client order;
     * {@code batch}: they go upstream as one JSON array.
     */
    public Mono<RoutingResult> read(Network network, List<JsonRequest> requests, boolean batch,
            RouteOptions options) {
        return paths.get(network.name()).read(new ReadCall(network, requests, batch, options));
    }
}
