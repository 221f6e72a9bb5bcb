package io.tiergate.rpc.read;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.metrics.LocalAnswerMetrics;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import io.tiergate.routing.RoutingResult;
import reactor.core.publisher.Mono;

/**
 * eth_chainId and net_version answered by tiergate itself, from the network's {@code chain-id} once a
 * provider's health probe has verified it: a configured id alone might be a typo, a verified one is what the
 * nodes serve. Before that (or with probes off) both go on down the read path like any other read.
 */
final class LocalAnswerReader implements Reader {

    private final LocalAnswerMetrics metrics;
    private final Reader next;

    LocalAnswerReader(LocalAnswerMetrics metrics, Reader next) {
        this.metrics = metrics;
        this.next = next;
    }

    @Override
    public Mono<RoutingResult> read(ReadCall call) {
        for (int i = 0; i < call.size(); i++) {
            JsonRequest r = call.request(i);
            if (r.isNotification() || !mayAnswer(r.method()) || call.answered(i)) {
                continue;
            }
            Long chainId = verifiedChainId(call.network());
            if (chainId == null) {
                break;
            }
            // net_version is the chain id in decimal, as a string; eth_chainId a hex quantity.
            String result = "net_version".equals(r.method()) ? "\"" + chainId + "\""
                    : "\"0x" + Long.toHexString(chainId) + "\"";
            call.answer(i, new UpstreamAnswer(i + 1, RawJson.of(result), null, 0, null));
            metrics.answeredLocally(r.method());
        }
        return call.complete() ? Mono.just(call.result()) : next.read(call);
    }

    private static boolean mayAnswer(String method) {
        return "eth_chainId".equals(method) || "net_version".equals(method);
    }

    private static Long verifiedChainId(Network network) {
        Long configured = network.definition().chainId();
        if (configured == null) {
            return null;
        }
        for (Provider p : network.providers()) {
            if (p.health().chainVerified()) {
                return configured;
            }
        }
        return null;
    }
}
