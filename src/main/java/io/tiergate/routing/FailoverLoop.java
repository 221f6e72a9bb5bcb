package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.MalformedResponseException;
import io.tiergate.jsonrpc.ResponseParser;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.metrics.UpstreamOutcome;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.routing.RoutingContext.Verdict;
import io.tiergate.selection.Choice;
import io.tiergate.selection.Selector;
import io.tiergate.upstream.ResponseTooLargeException;
import io.tiergate.upstream.TransportFailure;
import io.tiergate.upstream.UpstreamResponse;
import java.time.Duration;
import java.util.List;
import lombok.extern.slf4j.Slf4j;
import reactor.core.publisher.Mono;

/**
 * The failover loop: select a provider, call it, and on a retryable failure select again,
 * excluding what was tried, until every request is answered, the deadline passes or
 * max-attempts is spent. Providers are pulled one at a time, never fanned out.
 */
@Slf4j
final class FailoverLoop {

    private final Selector selector;
    private final ResponseParser parser = new ResponseParser();
    private final String maxResponseSizeText;
    private final RequestMetrics metrics;

    FailoverLoop(Selector selector, String maxResponseSizeText, RequestMetrics metrics) {
        this.selector = selector;
        this.maxResponseSizeText = maxResponseSizeText;
        this.metrics = metrics;
    }

    /** A fresh context for {@code requests}, with the network's request-timeout from now. */
    static RoutingContext context(Network network, List<JsonRequest> requests, boolean batch) {
        long deadline = System.nanoTime() + network.definition().requestTimeout().toNanos();
        return new RoutingContext(network, requests, batch, deadline);
    }

    /** Runs the loop on {@code context} and ends with its result. Selection starts on subscription. */
    Mono<RoutingResult> run(RoutingContext context) {
        return Mono.defer(() -> next(context)).then(Mono.fromSupplier(context::result));
    }

    private Mono<Void> next(RoutingContext context) {
        int maxAttempts = context.maxAttempts();
        while (context.pending() > 0) {
            long remaining = context.remainingNanos();
            if (remaining <= 0) {
                context.deadlinePassed();
                return Mono.empty();
            }
            if (context.attempts() >= maxAttempts) {
                return Mono.empty();
            }
            Choice choice = selector.select(context.network(), context);
            if (choice == null) {
                return Mono.empty();
            }
            Provider provider = choice.provider();
            context.exclude(provider, choice.lastResort());
            int calls = context.prepare(provider);
            Attempt attempt = Attempt.tryStart(provider, choice.lastResort(), calls, context::skipped);
            if (attempt != null) {
                return call(context, attempt, remaining);
            }
        }
        return Mono.empty();
    }

    private Mono<Void> call(RoutingContext context, Attempt attempt, long remainingNanos) {
        Provider provider = attempt.provider();
        long providerTimeout = provider.definition().timeout().toNanos();
        boolean cutByDeadline = remainingNanos < providerTimeout;
        context.attemptStarted(provider);
        String failedTier = context.takeFailedTier();
        if (failedTier != null) {
            metrics.failover(context.network().name(), failedTier, provider.tier());
        }
        return provider.client().post(context.upstreamBody(), Duration.ofNanos(Math.min(providerTimeout, remainingNanos)))
                .doOnCancel(attempt::abandon)
                .doOnNext(response -> onResponse(context, attempt, response))
                .onErrorResume(ResponseTooLargeException.class, tooLarge -> {
                    // The request's answer is too large, not the provider faulty: no breaker charge, no failover.
                    attempt.abandon(UpstreamOutcome.TOO_LARGE);
                    context.tooLarge(attempt.provider(), maxResponseSizeText);
                    return Mono.empty();
                })
                .onErrorResume(error -> {
                    onTransportFailure(context, attempt, TransportFailure.of(error), cutByDeadline);
                    return Mono.empty();
                })
                .then(Mono.defer(() -> next(context)));
    }

    private void onResponse(RoutingContext context, Attempt attempt, UpstreamResponse response) {
        attempt.end();
        Provider provider = attempt.provider();
        int status = response.status();
        if (status == 429) {
            rateLimited(context, attempt, "HTTP 429", response.retryAfter());
            return;
        }
        if (status >= 500) {
            fault(context, attempt, "HTTP " + status, false, UpstreamOutcome.FAULT);
            return;
        }
        if (status == 401 || status == 403 || status == 407) {
            // Refused credentials are the provider's configuration, never the request's answer.
            fault(context, attempt, "HTTP " + status + " (check its API key or headers)", true, UpstreamOutcome.FAULT);
            return;
        }
        List<UpstreamAnswer> answers = List.of();
        // When only notifications were sent, the provider took them and owes no body.
        if (context.awaitsAnswers() || !response.isSuccessStatus()) {
            try {
                answers = parser.parseAnswerTo(response.body(), context.isBatch());
            } catch (MalformedResponseException e) {
                fault(context, attempt,
                        response.isSuccessStatus() ? "malformed answer: " + e.getMessage() : "HTTP " + status, false,
                        UpstreamOutcome.FAULT);
                return;
            }
        }
        Verdict verdict = context.apply(provider, answers);
        if (verdict.rateLimitReason() != null) {
            rateLimited(context, attempt, verdict.rateLimitReason(), response.retryAfter());
        } else if (verdict.faultReason() != null) {
            fault(context, attempt, verdict.faultReason(), false, UpstreamOutcome.FAULT);
        } else {
            attempt.succeeded(verdict.hadErrorAnswer() ? UpstreamOutcome.ERROR : UpstreamOutcome.SUCCESS);
            if (verdict.noteReason() != null) {
                context.note(provider, verdict.noteReason());
            }
        }
    }

    private void onTransportFailure(RoutingContext context, Attempt attempt, TransportFailure failure,
            boolean cutByDeadline) {
        if (failure.timeout() && cutByDeadline) {
            // The request ran out of time, not the provider: its breaker is not charged.
            attempt.abandon(UpstreamOutcome.TIMEOUT);
            context.failed(attempt.provider(), "timeout (request deadline)", false);
            context.deadlinePassed();
            return;
        }
        fault(context, attempt, failure.reason(), failure.neverSent(),
                failure.timeout() ? UpstreamOutcome.TIMEOUT : UpstreamOutcome.CONNECTION);
    }

    private static void fault(RoutingContext context, Attempt attempt, String reason, boolean neverSent,
            UpstreamOutcome outcome) {
        attempt.failed(reason, outcome);
        context.failed(attempt.provider(), reason, neverSent);
        log.debug("Provider {} ({} tier, network {}) failed: {}; failing over", attempt.provider().name(),
                attempt.provider().tier(), attempt.provider().definition().network(), reason);
    }

    private static void rateLimited(RoutingContext context, Attempt attempt, String reason, Duration retryAfter) {
        Duration rest = attempt.rateLimited(retryAfter);
        Provider provider = attempt.provider();
        context.failed(provider, "rate-limited (" + reason + ")", true);
        log.info("Provider {} ({} tier, network {}) is rate-limited ({}){}", provider.name(), provider.tier(),
                provider.definition().network(), reason, rest.isZero() ? "" : "; resting " + rest.toSeconds() + "s");
    }
}
