package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonBytes;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.MalformedResponseException;
import io.tiergate.jsonrpc.ResponseParser;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.provider.RequestPaths;
import io.tiergate.provider.Tier;
import io.tiergate.transaction.SubmissionError;
import io.tiergate.transaction.TransactionHash;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.ErrorClass;
import io.tiergate.upstream.Outcome;
import io.tiergate.upstream.UpstreamResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lombok.extern.slf4j.Slf4j;
import reactor.core.publisher.Mono;

/**
 * {@code broadcast.mode: all-in-tier}: one signed transaction sent at once to every usable provider of the
 * serving tier and to the network's extra providers. The first acceptance answers the client; the other
 * calls run on (they are not cancelled: the transaction is out either way) and are only recorded. When no
 * provider accepts, a provider's rejection is the answer; when none answered and the transaction may have
 * reached one, the client is told so (-32052); when it surely reached none, the failover loop takes over
 * for the providers not tried yet.
 */
@Slf4j
final class Broadcast {

    private final ResponseParser parser = new ResponseParser();
    private final FailoverLoop loop;

    Broadcast(FailoverLoop loop) {
        this.loop = loop;
    }

    Mono<RoutingResult> send(NetworkPaths paths, List<JsonRequest> requests) {
        return Mono.defer(() -> {
            Network network = paths.network();
            JsonRequest request = requests.get(0);
            String hash = TransactionHash.ofParams(request.params());
            BroadcastFanout fanout = new BroadcastFanout(network, paths.broadcastMetrics(), request, hash);
            List<Attempt> legs = new ArrayList<>();
            for (Provider p : targets(network, paths.config(), request.method())) {
                fanout.tried.add(p);
                Attempt attempt = Attempt.tryStart(p, false, 1, fanout::skipped);
                if (attempt != null) {
                    legs.add(attempt);
                }
            }
            if (legs.isEmpty()) {
                return fallback(network, requests, fanout);
            }
            // Every leg is counted before the first can end, so "all legs ended" is never decided early.
            fanout.expect(legs.size());
            byte[] body = body(request);
            long deadline = System.nanoTime() + network.definition().requestTimeout().toNanos();
            for (Attempt attempt : legs) {
                long remaining = Math.max(1, deadline - System.nanoTime());
                long providerTimeout = attempt.provider().definition().timeout().toNanos();
                Duration timeout = Duration.ofNanos(Math.min(providerTimeout, remaining));
                // Subscribed on their own: a client that goes away does not call a transaction back.
                leg(attempt, body, timeout, request.method(), hash).subscribe(fanout::record);
            }
            return fanout.decision().switchIfEmpty(Mono.defer(() -> fallback(network, requests, fanout)));
        });
    }

    /**
     * The serving tier's usable providers that serve the method (weight 0 only when all weigh 0, as in
     * selection), then the extra providers that are usable.
     */
    static List<Provider> targets(Network network, RequestPaths config, String method) {
        List<Provider> targets = new ArrayList<>();
        for (Tier tier : network.tiers()) {
            for (Provider p : tier.providers()) {
                if (p.availability() == Availability.USABLE && p.methods().serves(method)) {
                    targets.add(p);
                }
            }
            if (!targets.isEmpty()) {
                if (targets.stream().anyMatch(p -> p.weight() > 0)) {
                    targets.removeIf(p -> p.weight() == 0);
                }
                break;
            }
        }
        for (String name : config.broadcastExtraProviders()) {
            Provider p = network.provider(name);
            if (p != null && !targets.contains(p) && p.availability().selectable() && p.methods().serves(method)) {
                targets.add(p);
            }
        }
        return targets;
    }

    /** Nothing reached a provider: the failover loop tries the others, as for any write. */
    private Mono<RoutingResult> fallback(Network network, List<JsonRequest> requests, BroadcastFanout fanout) {
        RoutingContext context = FailoverLoop.context(network, requests, false);
        fanout.tried.forEach(p -> context.exclude(p, false));
        fanout.notes.forEach(context::note);
        int legs = fanout.legs();
        return loop.run(context).flatMap(Acceptance::settle).map(r -> legs == 0 ? r
                : new RoutingResult(r.requests(), r.answers(), r.errors(), r.answeredBy(), r.attempts() + legs));
    }

    private Mono<BroadcastLeg> leg(Attempt attempt, byte[] body, Duration timeout, String method, String hash) {
        return attempt.provider().client().post(body, timeout)
                // Only at shutdown: no client cancels a leg.
                .doOnCancel(attempt::abandon)
                .flatMap(response -> judge(attempt, response, method, hash))
                .onErrorResume(error -> {
                    Outcome outcome = AnswerClassifier.ofError(error, "");
                    attempt.record(outcome);
                    return Mono.just(BroadcastLeg.failed(attempt, outcome.reason(), outcome.neverSent()));
                });
    }

    /** What one provider's answer means for the transaction, with the provider told its outcome. */
    private Mono<BroadcastLeg> judge(Attempt attempt, UpstreamResponse response, String method, String hash) {
        attempt.end();
        Outcome early = AnswerClassifier.ofStatus(response);
        if (early != null) {
            return Mono.just(failed(attempt, early));
        }
        UpstreamAnswer answer;
        try {
            answer = answerOf(parser.parse(response.body()));
        } catch (MalformedResponseException e) {
            return Mono.just(failed(attempt, AnswerClassifier.ofUnreadable(response, e)));
        }
        if (answer == null) {
            return Mono.just(failed(attempt, new Outcome.ProviderFault(Outcome.Fault.MISMATCHED_ANSWER,
                    "no answer for it", false)));
        }
        if (!answer.isError()) {
            attempt.record(Outcome.Answered.INSTANCE);
            return Mono.just(BroadcastLeg.accepted(attempt, answer));
        }
        // Masked: the text goes into client errors, logs and health.
        String error = ProviderErrors.reason(attempt.provider(), answer);
        ErrorClass kind = AnswerClassifier.classify(answer);
        if (kind == ErrorClass.RATE_LIMITED || answer.id() != 1) {
            // An error without our id speaks about the provider (a key it refused, a body it choked on), as in
            // the failover loop: never the transaction's answer.
            return Mono.just(failed(attempt, AnswerClassifier.ofProviderError(answer, error, response)));
        }
        if (ProviderErrors.revealSecret(attempt.provider(), answer)) {
            // An answer showing the provider's own credentials must not reach the client: it is about the provider,
            // and the transaction may have reached it.
            return Mono.just(failed(attempt, new Outcome.ProviderFault(Outcome.Fault.REVEALS_SECRET,
                    error + " (answer shows the provider's credentials)", false)));
        }
        // The node's own word on the transaction: its call worked, whatever it says.
        attempt.record(new Outcome.ClientError(error));
        if (kind == ErrorClass.METHOD_NOT_FOUND) {
            attempt.provider().methods().methodNotFound(method);
            return Mono.just(BroadcastLeg.failed(attempt, "method not found", true));
        }
        if (hash == null) {
            return Mono.just(BroadcastLeg.rejected(attempt, answer));
        }
        return switch (SubmissionError.of(answer.errorMessage())) {
            case ALREADY_KNOWN -> Mono.just(BroadcastLeg.known(attempt, hash));
            case NONCE_USED -> Acceptance.knownAt(attempt.provider(), hash)
                    .map(known -> known ? BroadcastLeg.known(attempt, hash) : BroadcastLeg.rejected(attempt, answer));
            case REJECTED -> Mono.just(BroadcastLeg.rejected(attempt, answer));
        };
    }

    /** A leg that did not get the transaction's answer; rate limits say so in the reason clients see. */
    private static BroadcastLeg failed(Attempt attempt, Outcome outcome) {
        attempt.record(outcome);
        String reason = outcome instanceof Outcome.RateLimited ? "rate-limited (" + outcome.reason() + ")"
                : outcome.reason();
        return BroadcastLeg.failed(attempt, reason, outcome.neverSent());
    }

    /** The answer to our request (id 1), or a lone answer without a usable id. */
    private static UpstreamAnswer answerOf(List<UpstreamAnswer> answers) {
        for (UpstreamAnswer a : answers) {
            if (a.id() == 1) {
                return a;
            }
        }
        return answers.size() == 1 && answers.get(0).isError() ? answers.get(0) : null;
    }

    private static byte[] body(JsonRequest request) {
        JsonBytes out = new JsonBytes(request.params() == null ? 96 : request.params().length() + 96);
        out.ascii("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":").write(request.methodJson());
        if (request.params() != null) {
            out.ascii(",\"params\":").write(request.params());
        }
        out.writeByte('}');
        return out.toByteArray();
    }
}
