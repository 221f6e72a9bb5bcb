package io.tiergate.rpc;

import io.tiergate.jsonrpc.BadRequestException;
import io.tiergate.jsonrpc.InvalidRequest;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.ParsedBody;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.RequestParser;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.Network;
import io.tiergate.routing.RequestRouter;
import io.tiergate.routing.RouteOptions;
import io.tiergate.routing.RoutingResult;
import io.tiergate.routing.WriteMethods;
import io.tiergate.rpc.read.Reads;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The one JSON-RPC service behind HTTP and WebSocket. For one client message: parses it, rejects invalid items
 * and methods the network's policy denies, lets the session answer its own methods, sends a write to the router
 * and everything else down the read path, counts every item in the request meters and puts the answers back
 * in client order. The transports only turn bytes into messages and replies into responses or frames.
 */
public final class JsonRpcService {

    private final RequestParser parser;
    private final RequestRouter router;
    private final Reads reads;
    private final RequestMetrics metrics;

    public JsonRpcService(int maxBatchSize, RequestRouter router, Reads reads, RequestMetrics metrics) {
        this.parser = new RequestParser(maxBatchSize);
        this.router = router;
        this.reads = reads;
        this.metrics = metrics;
    }

    /**
     * {@code options}: what the client asked of the answer cache; {@code session}: the methods its transport
     * answers itself; {@code startNanos}: when the message arrived, for the latency meter.
     */
    public Mono<RpcReply> serve(Network network, byte[] body, RouteOptions options, SessionMethods session,
            long startNanos) {
        ParsedBody parsed;
        try {
            parsed = parser.parse(body);
        } catch (BadRequestException e) {
            metrics.request(network.name(), "other", "invalid");
            return Mono.just(RpcReply.of(400, JsonRpcError.single(RawJson.NULL, e.code(), e.getMessage()), false));
        }
        return parsed.batch() ? batch(network, parsed, options, session, startNanos)
                : single(network, parsed, options, session, startNanos);
    }

    private Mono<RpcReply> single(Network network, ParsedBody parsed, RouteOptions options, SessionMethods session,
            long startNanos) {
        if (!parsed.invalid().isEmpty()) {
            metrics.request(network.name(), "other", "invalid");
            return Mono.just(ReplyWriter.invalid(parsed.invalid().get(0)));
        }
        JsonRequest request = parsed.requests().get(0);
        if (!network.policy().isAllowed(request.method())) {
            metrics.request(network.name(), request.method(), "denied");
            return Mono.just(ReplyWriter.denied(request));
        }
        SessionMethods.Answer own = session.answer(request);
        if (own != null) {
            return own.ready().then(Mono.just(RpcReply.of(200, own.json(), request.isNotification())));
        }
        List<JsonRequest> forward = parsed.requests();
        String methodLabel = metrics.method(request.method());
        return route(network, forward, false, options).map(result -> {
            observe(network, result, methodLabel, startNanos);
            return ReplyWriter.single(request, result);
        });
    }

    private Mono<RpcReply> batch(Network network, ParsedBody parsed, RouteOptions options, SessionMethods session,
            long startNanos) {
        String name = network.name();
        for (int i = 0; i < parsed.invalid().size(); i++) {
            metrics.request(name, "other", "invalid");
        }
        List<JsonRequest> forward = new ArrayList<>(parsed.requests().size());
        List<JsonRequest> denied = new ArrayList<>(0);
        byte[][] answeredBySession = null;
        List<Mono<Void>> ready = null;
        for (JsonRequest r : parsed.requests()) {
            if (!network.policy().isAllowed(r.method())) {
                metrics.request(name, r.method(), "denied");
                denied.add(r);
                continue;
            }
            SessionMethods.Answer own = session.answer(r);
            if (own == null) {
                forward.add(r);
                continue;
            }
            if (ready == null) {
                answeredBySession = new byte[parsed.size()][];
                ready = new ArrayList<>(1);
            }
            ready.add(own.ready());
            if (!r.isNotification()) {
                answeredBySession[r.index()] = own.json();
            }
        }
        Mono<RoutingResult> routed = forward.isEmpty() ? Mono.just(ReplyWriter.EMPTY)
                : route(network, forward, true, options);
        if (ready != null) {
            Mono<Void> sessionReady = Mono.when(ready);
            routed = routed.delayUntil(result -> sessionReady);
        }
        byte[][] sessionAnswers = answeredBySession;
        return routed.map(result -> {
            observe(network, result, "batch", startNanos);
            return ReplyWriter.batch(parsed, denied, sessionAnswers, result);
        });
    }

    /** A single write to the router (sent so it takes effect once); everything else down the read path. */
    private Mono<RoutingResult> route(Network network, List<JsonRequest> forward, boolean batch,
            RouteOptions options) {
        if (!batch && WriteMethods.isWrite(forward.get(0).method())) {
            return router.write(network, forward);
        }
        return reads.read(network, forward, batch, options);
    }

    /** Each routed item by outcome; the message's latency and provider calls. */
    private void observe(Network network, RoutingResult result, String methodLabel, long startNanos) {
        String name = network.name();
        List<JsonRequest> routed = result.requests();
        for (int i = 0; i < routed.size(); i++) {
            metrics.request(name, routed.get(i).method(), result.outcome(i));
        }
        metrics.completed(name, methodLabel, System.nanoTime() - startNanos, result.attempts());
    }
}
