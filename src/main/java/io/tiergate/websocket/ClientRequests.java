package io.tiergate.websocket;

import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.routing.RouteOptions;
import io.tiergate.rpc.JsonRpcService;
import io.tiergate.rpc.SessionMethods;
import java.time.Duration;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers one client message through the {@link JsonRpcService}, exactly as over HTTP; this connection answers
 * eth_subscribe and eth_unsubscribe itself (in arrival order, before anything is routed).
 */
final class ClientRequests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** An eth_subscribe is answered once its upstream subscription is live, or after this at the latest. */
    private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(5);

    private final JsonRpcService service;
    private final SubscriptionHub hub;
    private final int maxSubscriptions;

    ClientRequests(JsonRpcService service, SubscriptionHub hub, int maxSubscriptions) {
        this.service = service;
        this.hub = hub;
        this.maxSubscriptions = maxSubscriptions;
    }

    /** The answer to send back, or empty when there is none (only notifications). */
    Mono<byte[]> handle(ClientConnection connection, byte[] message) {
        return service.serve(connection.network(), message, RouteOptions.DEFAULT, r -> ownAnswer(connection, r),
                System.nanoTime())
                // A socket owes a notification nothing, not even an error.
                .mapNotNull(reply -> reply.body() == null || reply.notification() ? null : reply.toByteArray());
    }

    /**
     * Subscriptions are this connection's: the client misses nothing sent after an eth_subscribe's answer, and a
     * provider slow to take it delays the answer by {@link #SUBSCRIBE_WAIT} at most.
     */
    private SessionMethods.Answer ownAnswer(ClientConnection connection, JsonRequest r) {
        if ("eth_subscribe".equals(r.method())) {
            return subscribe(connection, r);
        }
        if ("eth_unsubscribe".equals(r.method())) {
            return new SessionMethods.Answer(unsubscribe(connection, r), Mono.empty());
        }
        return null;
    }

    /** The client went away: its subscriptions end (the upstream one too, if it was the last). */
    void closed(ClientConnection connection) {
        connection.subscriptions().forEach((id, key) -> hub.unsubscribe(connection, id, key));
        connection.subscriptions().clear();
    }

    private SessionMethods.Answer subscribe(ClientConnection connection, JsonRequest r) {
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
            return refused(JsonRpcError.single(r.id(), JsonRpcError.INVALID_PARAMS, "unsupported subscription"
                    + (kind == null ? ": params must be [kind, ...]"
                            : " '" + clip(kind) + "': newHeads, logs or newPendingTransactions")));
        }
        if (!SubscriptionHub.servesSubscriptions(connection.network())) {
            return refused(JsonRpcError.single(r.id(), JsonRpcError.METHOD_NOT_FOUND,
                    "subscriptions unavailable: no provider of network " + connection.network().name()
                            + " has a ws-url"));
        }
        if (connection.subscriptions().size() >= maxSubscriptions) {
            return refused(JsonRpcError.single(r.id(), JsonRpcError.INVALID_REQUEST,
                    "too many subscriptions: at most " + maxSubscriptions + " per connection"));
        }
        SubscriptionKey key = new SubscriptionKey(connection.network().name(), kind, r.params().toString());
        SubscriptionHub.Subscribed subscribed = hub.subscribe(connection, key);
        connection.subscriptions().put(subscribed.id(), key);
        return new SessionMethods.Answer(result(r, "\"" + subscribed.id() + "\""),
                subscribed.live().timeout(SUBSCRIBE_WAIT, Mono.empty()));
    }

    private static SessionMethods.Answer refused(byte[] error) {
        return new SessionMethods.Answer(error, Mono.empty());
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

    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
