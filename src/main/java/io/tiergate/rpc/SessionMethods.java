package io.tiergate.rpc;

import io.tiergate.jsonrpc.JsonRequest;
import reactor.core.publisher.Mono;

/**
 * Methods a transport's session answers itself, after the method policy and before anything is routed: the
 * WebSocket's eth_subscribe and eth_unsubscribe. HTTP has none ({@link #NONE}).
 */
@FunctionalInterface
public interface SessionMethods {

    SessionMethods NONE = request -> null;

    /** The session's answer to {@code request}, or null when the service answers it. */
    Answer answer(JsonRequest request);

    /**
     * {@code json}: the whole answer object under the request's id; {@code ready}: completes when the answer may
     * be sent (a subscription is live upstream), within a bounded time.
     */
    record Answer(byte[] json, Mono<Void> ready) {
    }
}
