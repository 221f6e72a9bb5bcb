package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.MalformedResponseException;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.ResponseParser;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Provider;
import io.tiergate.transaction.SubmissionError;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.Outcome;
import io.tiergate.transaction.TransactionHash;
import java.nio.charset.StandardCharsets;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A node that already has a transaction says so as an error ("already known", or "nonce too low" once it is
 * included). For the very transaction the client sent, that is an acceptance: the client gets its hash, so a
 * retry or a broadcast never turns an accepted transaction into a failure.
 */
final class Acceptance {

    private static final ResponseParser PARSER = new ResponseParser();

    private Acceptance() {
    }

    /** The answer a node gives when it accepts: the transaction's hash. */
    static UpstreamAnswer accepted(String hash) {
        return new UpstreamAnswer(1, RawJson.of("\"" + hash + "\""), null, 0, null);
    }

    /**
     * Whether {@code provider} knows the transaction {@code hash} (pending or included): what "nonce too low"
     * needs, since another transaction with the same nonce gets that error too. False when it cannot tell.
     */
    static Mono<Boolean> knownAt(Provider provider, String hash) {
        byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getTransactionByHash\",\"params\":[\"" + hash
                + "\"]}").getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        return provider.client().post(body, provider.definition().timeout())
                .map(response -> {
                    // Judged like every other call: a 429 or 5xx to this lookup is the provider's, not an answer.
                    Outcome status = AnswerClassifier.ofStatus(response);
                    provider.record(status != null ? status : Outcome.Answered.INSTANCE, System.nanoTime() - start,
                            false);
                    return status == null && response.isSuccessStatus() && found(response.body());
                })
                .onErrorResume(e -> {
                    provider.record(AnswerClassifier.ofError(e, ""), System.nanoTime() - start, false);
                    return Mono.just(false);
                });
    }

    /**
     * A single transaction's result after the failover loop: "already known" becomes the hash, and so does
     * "nonce too low" when the node that said it has the transaction.
     */
    static Mono<RoutingResult> settle(RoutingResult result) {
        JsonRequest request = result.requests().get(0);
        UpstreamAnswer answer = result.answers()[0];
        String hash = answer == null || !answer.isError() ? null : TransactionHash.ofParams(request.params());
        if (hash == null) {
            return Mono.just(result);
        }
        return switch (SubmissionError.of(answer.errorMessage())) {
            case ALREADY_KNOWN -> Mono.just(replaced(result, 0, hash));
            case NONCE_USED -> result.answeredBy() == null ? Mono.just(result)
                    : knownAt(result.answeredBy(), hash).map(known -> known ? replaced(result, 0, hash) : result);
            case REJECTED -> Mono.just(result);
        };
    }

    /**
     * The transactions of a batch: "already known" becomes the hash. "nonce too low" stays as it is, since
     * a batch does not record which provider answered which item.
     */
    static RoutingResult settleBatch(RoutingResult result) {
        RoutingResult settled = result;
        List<JsonRequest> requests = result.requests();
        for (int i = 0; i < requests.size(); i++) {
            UpstreamAnswer answer = result.answers()[i];
            if (answer != null && answer.isError() && WriteMethods.isRawTransaction(requests.get(i).method())
                    && SubmissionError.of(answer.errorMessage()) == SubmissionError.ALREADY_KNOWN) {
                String hash = TransactionHash.ofParams(requests.get(i).params());
                if (hash != null) {
                    settled = replaced(settled, i, hash);
                }
            }
        }
        return settled;
    }

    private static RoutingResult replaced(RoutingResult result, int index, String hash) {
        UpstreamAnswer[] answers = result.answers().clone();
        answers[index] = accepted(hash);
        return new RoutingResult(result.requests(), answers, result.errors(), result.answeredBy(), result.attempts());
    }

    private static boolean found(byte[] body) {
        try {
            for (UpstreamAnswer a : PARSER.parse(body)) {
                if (a.id() == 1 && !a.isError() && !"null".equals(a.result().toString())) {
                    return true;
                }
            }
            return false;
        } catch (MalformedResponseException e) {
            return false;
        }
    }
}
