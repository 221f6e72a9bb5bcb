package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.MalformedResponseException;
import io.tiergate.jsonrpc.ResponseParser;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.metrics.RequestMetrics;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.selection.Choice;
import io.tiergate.selection.Selector;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.Outcome;
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
                .onErrorResume(error -> {
                    onError(context, attempt, AnswerClassifier.ofError(error, maxResponseSizeText), cutByDeadline);
                    return Mono.empty();
                })
                .then(Mono.defer(() -> next(context)));
    }

    private void onResponse(RoutingContext context, Attempt attempt, UpstreamResponse response) {
        attempt.end();
        Outcome outcome = AnswerClassifier.ofStatus(response);
        if (outcome == null) {
            List<UpstreamAnswer> answers = List.of();
            try {
                // When only notifications were sent, the provider took them and owes no body.
                if (context.awaitsAnswers() || !response.isSuccessStatus()) {
                    answers = parser.parseAnswerTo(response.body(), context.isBatch());
                }
                outcome = context.apply(attempt.provider(), answers).outcome(response);
            } catch (MalformedResponseException e) {
                outcome = AnswerClassifier.ofUnreadable(response, e);
            }
        }
        settle(context, attempt, outcome);
    }

    private void onError(RoutingContext context, Attempt attempt, Outcome outcome, boolean cutByDeadline) {
        if (outcome instanceof Outcome.TooLarge) {
            // The request's answer is too large, not the provider faulty: no breaker charge, no failover.
            attempt.record(outcome);
            context.tooLarge(attempt.provider(), outcome.reason());
        } else if (outcome instanceof Outcome.Timeout && cutByDeadline) {
            // The request ran out of time, not the provider: its breaker is not charged.
            attempt.abandon(Outcome.Label.TIMEOUT);
            context.failed(attempt.provider(), "timeout (request deadline)", false);
            context.deadlinePassed();
        } else {
            settle(context, attempt, outcome);
        }
    }

    /** Tells the provider what its call came to, and the request what it means for the requests still waiting. */
    private static void settle(RoutingContext context, Attempt attempt, Outcome outcome) {
        attempt.record(outcome);
        Provider provider = attempt.provider();
        if (outcome.served()) {
            return;
        }
        if (outcome instanceof Outcome.RateLimited limited) {
            context.failed(provider, "rate-limited (" + limited.reason() + ")", true);
            log.info("Provider {} ({} tier, network {}) is rate-limited ({}){}", provider.name(), provider.tier(),
                    provider.definition().network(), limited.describe(),
                    provider.backoff().isActive() ? "; resting " + provider.backoff().remaining().toSeconds() + "s" : "");
            return;
        }
        context.failed(provider, outcome.reason(), outcome.neverSent());
        log.debug("Provider {} ({} tier, network {}) failed: {}; failing over", provider.name(), provider.tier(),
                provider.definition().network(), outcome.reason());
    }
}
