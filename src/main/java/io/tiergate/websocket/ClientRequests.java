package io.tiergate.websocket;

import io.tiergate.jsonrpc.BadRequestException;
import io.tiergate.jsonrpc.InvalidRequest;
import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.ParsedBody;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.RequestParser;
import io.tiergate.jsonrpc.ResponseWriter;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.Network;
import io.tiergate.routing.GatewayError;
import io.tiergate.routing.RequestRouter;
import io.tiergate.routing.RoutingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers one client message: eth_subscribe and eth_unsubscribe here (in arrival order, before anything is
 * routed), every other call through the {@link RequestRouter} exactly as over HTTP, batches as one batch.
 */
final class ClientRequests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(5);

    private final RequestRouter router;
    private final SubscriptionHub hub;
    private final RequestMetrics metrics;
    private final RequestParser parser;
    private final int maxSubscriptions;

    ClientRequests(RequestRouter router, SubscriptionHub hub, RequestMetrics metrics, int maxBatchSize,
            int maxSubscriptions) {
        this.router = router;
        this.hub = hub;
        this.metrics = metrics;
        this.parser = new RequestParser(maxBatchSize);
        this.maxSubscriptions = maxSubscriptions;
    }

    /** The answer to send back, or empty when there is none (only notifications). */
    Mono<byte[]> handle(ClientConnection connection, byte[] message) {
        Network network = connection.network();
        ParsedBody parsed;
        try {
            parsed = parser.parse(message);
        } catch (BadRequestException e) {
            metrics.request(network.name(), "other", "invalid");
            return Mono.just(JsonRpcError.single(RawJson.NULL, e.code(), e.getMessage()));
        }
        long start = System.nanoTime();
        byte[][] slots = new byte[parsed.size()][];
        List<Mono<Void>> subscriptionsLive = new ArrayList<>(0);
        for (InvalidRequest invalid : parsed.invalid()) {
            slots[invalid.index()] = JsonRpcError.single(invalid.id(), JsonRpcError.INVALID_REQUEST, invalid.reason());
            metrics.request(network.name(), "other", "invalid");
        }
        List<JsonRequest> forward = new ArrayList<>(parsed.requests().size());
        for (JsonRequest r : parsed.requests()) {
            byte[] answer;
            if (!network.policy().isAllowed(r.method())) {
                metrics.request(network.name(), r.method(), "denied");
                answer = JsonRpcError.single(r.id(), JsonRpcError.METHOD_NOT_FOUND,
                        "method not allowed: " + clip(r.method()));
            } else if ("eth_subscribe".equals(r.method())) {
                answer = subscribe(connection, r, subscriptionsLive);
            } else if ("eth_unsubscribe".equals(r.method())) {
                answer = unsubscribe(connection, r);
            } else {
                forward.add(r);
                continue;
            }
            if (!r.isNotification()) {
                slots[r.index()] = answer;
            }
        }
        // An eth_subscribe is answered once its upstream subscription is live, so the client misses nothing
        // sent after the answer; a provider slow to take it delays the answer by SUBSCRIBE_WAIT at most.
        Mono<Void> subscribed = subscriptionsLive.isEmpty() ? Mono.empty()
                : Mono.when(subscriptionsLive).timeout(SUBSCRIBE_WAIT, Mono.empty());
        if (forward.isEmpty()) {
            return subscribed.then(Mono.fromSupplier(() -> assemble(parsed.batch(), slots)));
        }
        String methodLabel = parsed.batch() ? "batch" : metrics.method(forward.get(0).method());
        return router.route(network, forward, parsed.batch()).delayUntil(result -> subscribed).mapNotNull(result -> {
            observe(network, result, methodLabel, start);
            fill(slots, result);
            return assemble(parsed.batch(), slots);
        });
    }

    /** The client went away: its subscriptions end (the upstream one too, if it was the last). */
    void closed(ClientConnection connection) {
        connection.subscriptions().forEach((id, key) -> hub.unsubscribe(connection, id, key));
        connection.subscriptions().clear();
    }

    private byte[] subscribe(ClientConnection connection, JsonRequest r, List<Mono<Void>> live) {
        String kind = null;
        try {
            JsonNode params = r.params() == null ? null : JSON.readTree(r.params().toString());
            if (params != null && params.isArray() && !params.isEmpty() && params.get(0).isString()) {
                kind = params.get(0).asString();
            }
        } catch (JacksonException e) {
            kind = null;
        }
        if (kind == null || !SubscriptionKey.supported(kind)) {
            return JsonRpcError.single(r.id(), JsonRpcError.INVALID_PARAMS, "unsupported subscription"
                    + (kind == null ? ": params must be [kind, ...]"
                            : " '" + clip(kind) + "': newHeads, logs or newPendingTransactions"));
        }
        if (!SubscriptionHub.servesSubscriptions(connection.network())) {
            return JsonRpcError.single(r.id(), JsonRpcError.METHOD_NOT_FOUND,
                    "subscriptions unavailable: no provider of network " + connection.network().name()
                            + " has a ws-url");
        }
        if (connection.subscriptions().size() >= maxSubscriptions) {
            return JsonRpcError.single(r.id(), JsonRpcError.INVALID_REQUEST,
                    "too many subscriptions: at most " + maxSubscriptions + " per connection");
        }
        SubscriptionKey key = new SubscriptionKey(connection.network().name(), kind, r.params().toString());
        SubscriptionHub.Subscribed subscribed = hub.subscribe(connection, key);
        connection.subscriptions().put(subscribed.id(), key);
        live.add(subscribed.live());
        return result(r, "\"" + subscribed.id() + "\"");
    }

    private byte[] unsubscribe(ClientConnection connection, JsonRequest r) {
        String id = null;
        try {
            JsonNode params = r.params() == null ? null : JSON.readTree(r.params().toString());
            if (params != null && params.isArray() && !params.isEmpty() && params.get(0).isString()) {
                id = params.get(0).asString();
            }
        } catch (JacksonException e) {
            id = null;
        }
        if (id == null) {
            return JsonRpcError.single(r.id(), JsonRpcError.INVALID_PARAMS, "params must be [subscription id]");
        }
        SubscriptionKey key = connection.subscriptions().remove(id);
        if (key != null) {
            hub.unsubscribe(connection, id, key);
        }
        return result(r, key != null ? "true" : "false");
    }

    private static byte[] result(JsonRequest r, String resultJson) {
        JsonBytes out = new JsonBytes(64 + resultJson.length());
        out.ascii("{\"jsonrpc\":\"2.0\",\"id\":").write(r.id() == null ? RawJson.NULL : r.id())
                .ascii(",\"result\":").ascii(resultJson).writeByte('}');
        return out.toByteArray();
    }

    /** Routed calls count in the same request meters as over HTTP. */
    private void observe(Network network, RoutingResult result, String methodLabel, long start) {
        List<JsonRequest> routed = result.requests();
        for (int i = 0; i < routed.size(); i++) {
            metrics.request(network.name(), routed.get(i).method(), result.outcome(i));
        }
        metrics.completed(network.name(), methodLabel, System.nanoTime() - start, result.attempts());
    }

    private static void fill(byte[][] slots, RoutingResult result) {
        List<JsonRequest> routed = result.requests();
        for (int i = 0; i < routed.size(); i++) {
            JsonRequest r = routed.get(i);
            if (r.isNotification()) {
                continue;
            }
            UpstreamAnswer answer = result.answers()[i];
            JsonBytes out = new JsonBytes(answer == null || answer.isError() ? 256 : answer.result().length() + 64);
            if (answer != null) {
                ResponseWriter.writeAnswer(out, r.id(), answer);
            } else {
                GatewayError error = result.errors()[i];
                JsonRpcError.write(out, r.id(), error.code(), error.message(), error.data());
            }
            slots[r.index()] = out.toByteArray();
        }
    }

    /** A single answer as is; a batch as an array in client order; null when nothing is owed. */
    private static byte[] assemble(boolean batch, byte[][] slots) {
        if (!batch) {
            return slots[0];
        }
        int size = 2;
        for (byte[] slot : slots) {
            size += slot == null ? 0 : slot.length + 1;
        }
        JsonBytes out = new JsonBytes(size);
        out.writeByte('[');
        boolean first = true;
        for (byte[] slot : slots) {
            if (slot != null) {
                if (!first) {
                    out.writeByte(',');
                }
                out.write(slot);
                first = false;
            }
        }
        return first ? null : out.writeByte(']').toByteArray();
    }

    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
