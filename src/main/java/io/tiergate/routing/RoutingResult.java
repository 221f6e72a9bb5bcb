package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Provider;
import java.util.List;

/**
 * The outcome of routing a client's forwardable requests: for each, a provider's answer or a
 * gateway error (one of the two is null); who answered last, and how many calls it took.
 */
public record RoutingResult(List<JsonRequest> requests, UpstreamAnswer[] answers, GatewayError[] errors,
        Provider answeredBy, int attempts) {
}
