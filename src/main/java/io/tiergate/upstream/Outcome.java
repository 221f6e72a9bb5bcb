package io.tiergate.upstream;

import java.time.Duration;
import java.util.Locale;

/**
 * What one call to a provider came to, judged once by {@link AnswerClassifier} and recorded once by the
 * provider. Failover, broadcast, hedging, probes and WebSocket act on this and never read status codes or
 * error texts themselves.
 */
public sealed interface Outcome {

    /** How the call is counted in {@code tiergate_upstream_calls_total{outcome}}. */
    enum Label {
        SUCCESS, ERROR, FAULT, TIMEOUT, CONNECTION, RATE_LIMITED, TOO_LARGE, CIRCUIT_OPEN;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a provider is at fault, for operators; the routing consequence is the same for all. */
    enum Fault {
        /** HTTP 5xx, or another status with no JSON-RPC answer in it. */
        HTTP_STATUS,
        /** HTTP 401/403/407: its API key or headers are refused. */
        CREDENTIALS,
        /** A JSON-RPC error that speaks about the provider (internal error, missing state, no id). */
        ERROR_ANSWER,
        /** Answers for requests not sent, two answers for one, or none for some. */
        MISMATCHED_ANSWER,
        /** An error answer that shows the provider's own credentials. */
        REVEALS_SECRET
    }

    /** Words for clients' errors, logs, health and the admin view; never a URL or a key. */
    String reason();

    Label label();

    /** True when the provider surely did not act on the request (a write may go to another provider). */
    default boolean neverSent() {
        return false;
    }

    /** The provider did its job: it answered, whatever the answer says about the request. */
    default boolean served() {
        return false;
    }

    /** Every request answered with a result. */
    record Answered() implements Outcome {
        public static final Answered INSTANCE = new Answered();

        @Override
        public String reason() {
            return "answered";
        }

        @Override
        public Label label() {
            return Label.SUCCESS;
        }

        @Override
        public boolean served() {
            return true;
        }
    }

    /** Answered, and some answer is the request's own error (reverted, invalid params): it blames no one. */
    record ClientError(String reason) implements Outcome {
        @Override
        public Label label() {
            return Label.ERROR;
        }

        @Override
        public boolean served() {
            return true;
        }
    }

    /** The provider protects itself (HTTP 429, a rate-limit error): it rests instead of counting as a fault. */
    record RateLimited(Duration retryAfter, String reason) implements Outcome {
        @Override
        public Label label() {
            return Label.RATE_LIMITED;
        }

        @Override
        public boolean neverSent() {
            return true;
        }

        /** "HTTP 429, Retry-After 30 s": what the admin view's lastError shows. */
        public String describe() {
            return retryAfter == null ? reason : reason + ", Retry-After " + retryAfter.toSeconds() + " s";
        }
    }

    /** The provider answered, but its answer says it cannot serve now. */
    record ProviderFault(Fault kind, String reason, boolean neverSent) implements Outcome {
        @Override
        public Label label() {
            return Label.FAULT;
        }
    }

    /** Connection refused, reset, closed, TLS: {@code neverSent} when the request surely did not leave. */
    record Unreachable(String reason, boolean neverSent) implements Outcome {
        @Override
        public Label label() {
            return Label.CONNECTION;
        }
    }

    /** No answer within the provider's timeout. */
    record Timeout(String reason) implements Outcome {
        @Override
        public Label label() {
            return Label.TIMEOUT;
        }
    }

    /** A body that is not JSON-RPC. */
    record Malformed(String reason) implements Outcome {
        @Override
        public Label label() {
            return Label.FAULT;
        }
    }

    /** The answer outgrew max-response-size: the request's size, not the provider's fault. */
    record TooLarge(String reason) implements Outcome {
        @Override
        public Label label() {
            return Label.TOO_LARGE;
        }
    }
}
