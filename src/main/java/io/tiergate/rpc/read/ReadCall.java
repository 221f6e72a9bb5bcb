package io.tiergate.rpc.read;

import io.tiergate.cache.RequestKey;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Network;
import io.tiergate.routing.GatewayError;
import io.tiergate.routing.RouteOptions;
import io.tiergate.routing.RoutingResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The reads of one client message on their way down the read path, handed from reader to reader: the answers
 * found so far (by position), and the cache keys, each made once for the cache and the coalescer.
 */
final class ReadCall {

    private final Network network;
    private final List<JsonRequest> requests;
    private final boolean batch;
    private final RouteOptions options;
    private final UpstreamAnswer[] answers;
    private RequestKey[] keys;
    private int answered;
    private boolean joined;

    ReadCall(Network network, List<JsonRequest> requests, boolean batch, RouteOptions options) {
        this.network = network;
        this.requests = requests;
        this.batch = batch;
        this.options = options;
        this.answers = new UpstreamAnswer[requests.size()];
    }

    Network network() {
        return network;
    }

    List<JsonRequest> requests() {
        return requests;
    }

    /** Whether the items go upstream as one JSON array (a client batch). */
    boolean batch() {
        return batch;
    }

    RouteOptions options() {
        return options;
    }

    int size() {
        return requests.size();
    }

    JsonRequest request(int i) {
        return requests.get(i);
    }

    boolean answered(int i) {
        return answers[i] != null;
    }

    void answer(int i, UpstreamAnswer answer) {
        answers[i] = answer;
        answered++;
    }

    /** True when the readers so far answered every request: nothing goes upstream. */
    boolean complete() {
        return answered == answers.length;
    }

    /** What identifies request {@code i} to the cache and the coalescer; a view over the client's body. */
    RequestKey key(int i) {
        if (keys == null) {
            keys = new RequestKey[answers.length];
        }
        if (keys[i] == null) {
            JsonRequest r = requests.get(i);
            keys[i] = RequestKey.of(r.method(), r.params());
        }
        return keys[i];
    }

    /** The caller joined an identical read in flight: the answer is another caller's (who caches it). */
    void joined() {
        joined = true;
    }

    boolean isJoined() {
        return joined;
    }

    /** The requests no reader answered, in client order: what goes to the providers. */
    List<JsonRequest> unanswered() {
        if (answered == 0) {
            return requests;
        }
        List<JsonRequest> rest = new ArrayList<>(answers.length - answered);
        for (int i = 0; i < answers.length; i++) {
            if (answers[i] == null) {
                rest.add(requests.get(i));
            }
        }
        return rest;
    }

    /** Answered without a provider call: no provider to name, no attempts. */
    RoutingResult result() {
        return new RoutingResult(requests, answers, new GatewayError[answers.length], null, 0);
    }

    /** Every request's answer: the readers' own, and {@code routed}'s for the {@link #unanswered} ones. */
    RoutingResult merge(RoutingResult routed) {
        if (answered == 0) {
            return routed;
        }
        GatewayError[] errors = new GatewayError[answers.length];
        int j = 0;
        for (int i = 0; i < answers.length; i++) {
            if (answers[i] == null) {
                answers[i] = routed.answers()[j];
                errors[i] = routed.errors()[j];
                j++;
            }
        }
        return new RoutingResult(requests, answers, errors, routed.answeredBy(), routed.attempts());
    }
}
