package io.tiergate.upstream;

import io.tiergate.jsonrpc.MalformedResponseException;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.upstream.Outcome.Fault;
import java.util.function.UnaryOperator;

/**
 * The one place that reads what a provider sent back: HTTP status, transport failure, JSON-RPC error
 * codes and texts. Everything else acts on the {@link Outcome} or the {@link ErrorClass} it returns.
 */
public final class AnswerClassifier {

    private static final int MAX_REASON = 120;

    private AnswerClassifier() {
    }

    /** A call that ended without a response: too large, timed out, or not reachable. */
    public static Outcome ofError(Throwable error, String maxResponseSize) {
        if (error instanceof ResponseTooLargeException) {
            return new Outcome.TooLarge("answer larger than tiergate.max-response-size (" + maxResponseSize + ")");
        }
        TransportFailure failure = TransportFailure.of(error);
        return failure.timeout() ? new Outcome.Timeout(failure.reason())
                : new Outcome.Unreachable(failure.reason(), failure.neverSent());
    }

    /**
     * What the HTTP status alone says, or null when the body must be read: 429 is a rate limit, 5xx a fault,
     * refused credentials a fault of the provider's configuration (never the request's answer).
     */
    public static Outcome ofStatus(UpstreamResponse response) {
        int status = response.status();
        if (status == 429) {
            return new Outcome.RateLimited(response.retryAfter(), "HTTP 429");
        }
        if (status >= 500) {
            return new Outcome.ProviderFault(Fault.HTTP_STATUS, "HTTP " + status, false);
        }
        if (status == 401 || status == 403 || status == 407) {
            return new Outcome.ProviderFault(Fault.CREDENTIALS, "HTTP " + status + " (check its API key or headers)",
                    true);
        }
        return null;
    }

    /** A body that did not parse: malformed when the status said success, else the status is the story. */
    public static Outcome ofUnreadable(UpstreamResponse response, MalformedResponseException e) {
        return response.isSuccessStatus() ? new Outcome.Malformed("malformed answer: " + e.getMessage())
                : new Outcome.ProviderFault(Fault.HTTP_STATUS, "HTTP " + response.status(), false);
    }

    /** What one JSON-RPC error answer means: the request's own answer, or the provider's trouble. */
    public static ErrorClass classify(UpstreamAnswer answer) {
        return ErrorClass.of(answer.errorCode(), answer.errorMessage());
    }

    /** JSON-RPC's own "invalid request" / "parse error": what a node answers a request it cannot read. */
    public static boolean rejectsRequest(UpstreamAnswer error) {
        return (error.errorCode() == -32600 || error.errorCode() == -32700) && classify(error) == ErrorClass.DETERMINISTIC;
    }

    /**
     * An error answer that speaks about the provider rather than the request (no id, a rate limit, a fault):
     * a rate limit rests it, anything else is its fault.
     */
    public static Outcome ofProviderError(UpstreamAnswer error, String reason, UpstreamResponse response) {
        if (classify(error) == ErrorClass.RATE_LIMITED) {
            return new Outcome.RateLimited(response == null ? null : response.retryAfter(), reason);
        }
        return new Outcome.ProviderFault(Fault.ERROR_ANSWER, reason, false);
    }

    /** "error <code>: <message>" for clients, logs and health: shortened, secrets masked by {@code scrub}. */
    public static String errorReason(UpstreamAnswer error, UnaryOperator<String> scrub) {
        return "error " + error.errorCode() + ": " + shorten(scrub.apply(error.errorMessage()));
    }

    public static String shorten(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "..." : text;
    }
}
