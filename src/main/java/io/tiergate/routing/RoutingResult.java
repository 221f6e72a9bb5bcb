package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Provider;
import java.util.List;

/**
 * The outcome of routing a client's forwardable requests: for each, a provider's answer or a
 * gateway error (one of the two is null); who answered last, and how many calls it took.
 */
public record RoutingResult(List<JsonRequest> requests, UpstreamAnswer[] answers, GatewayError[] errors,
        Provider answeredBy, int attempts) {

    /** The results of a batch's chunks, in order, as one: {@code requests} is the whole batch. */
    static RoutingResult concat(List<JsonRequest> requests, List<RoutingResult> chunks) {
        UpstreamAnswer[] answers = new UpstreamAnswer[requests.size()];
        GatewayError[] errors = new GatewayError[requests.size()];
        Provider answeredBy = null;
        int attempts = 0;
        int at = 0;
        for (RoutingResult chunk : chunks) {
            int n = chunk.requests().size();
            System.arraycopy(chunk.answers(), 0, answers, at, n);
            System.arraycopy(chunk.errors(), 0, errors, at, n);
            at += n;
            attempts += chunk.attempts();
            answeredBy = answeredBy == null ? chunk.answeredBy() : answeredBy;
        }
        return new RoutingResult(requests, answers, errors, answeredBy, attempts);
    }

    /** The {@code tiergate_requests} outcome label of request {@code i}. */
    public String outcome(int i) {
        GatewayError error = errors[i];
        if (error != null) {
            return switch (error.code()) {
                case JsonRpcError.DEADLINE_EXCEEDED -> "deadline";
                case JsonRpcError.TRANSACTION_NOT_RETRIED -> "not_retried";
                case JsonRpcError.RESPONSE_TOO_LARGE -> "too_large";
                default -> "no_provider";
            };
        }
        UpstreamAnswer answer = answers[i];
        if (answer == null) {
            return "notification";
        }
        return answer.isError() ? "error" : "success";
    }
}
