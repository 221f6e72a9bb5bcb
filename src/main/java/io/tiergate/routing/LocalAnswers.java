package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;

/**
 * eth_chainId and net_version answered by tiergate itself, from the network's {@code chain-id} once a
 * provider's health probe has verified it: a configured id alone might be a typo, a verified one is what the
 * nodes serve. Before that (or with probes off) both go upstream like any other read.
 */
final class LocalAnswers {

    private LocalAnswers() {
    }

    static boolean mayAnswer(String method) {
        return "eth_chainId".equals(method) || "net_version".equals(method);
    }

    /** The answer, or null when the request goes upstream. */
    static UpstreamAnswer answer(Network network, JsonRequest request) {
        if (request.isNotification() || !mayAnswer(request.method()) || !network.definition().paths().localAnswers()) {
            return null;
        }
        Long chainId = verifiedChainId(network);
        if (chainId == null) {
            return null;
        }
        // net_version is the chain id in decimal, as a string; eth_chainId a hex quantity.
        String result = "net_version".equals(request.method()) ? "\"" + chainId + "\""
                : "\"0x" + Long.toHexString(chainId) + "\"";
        return new UpstreamAnswer(1, RawJson.of(result), null, 0, null);
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
