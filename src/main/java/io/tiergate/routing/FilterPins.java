package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Filters live on the node that made them. The id a client gets for {@code eth_newFilter} (and the block and
 * pending-transaction filters) starts with a tag of the provider that made it: eight hex digits of a hash of
 * its network and name, the same on every replica, so any replica of a fleet routes the filter's calls back to
 * it. A call for a filter whose provider is gone (or whose id tiergate never gave) gets the node's own
 * "filter not found" at once, so the client makes a new one; no other node ever sees it.
 */
final class FilterPins {

    static final String NOT_FOUND = "filter not found";
    private static final Set<String> CREATES = Set.of("eth_newFilter", "eth_newBlockFilter",
            "eth_newPendingTransactionFilter");
    private static final Set<String> USES = Set.of("eth_getFilterChanges", "eth_getFilterLogs", "eth_uninstallFilter");
    private static final Pattern ID = Pattern.compile("\\s*\\[\\s*\"0x([0-9a-fA-F]{8})([0-9a-fA-F]+)\"\\s*]\\s*");

    private final Provider[] owners;
    private final RawJson[] params;
    private final boolean[] unknown;

    private FilterPins(int size) {
        owners = new Provider[size];
        params = new RawJson[size];
        unknown = new boolean[size];
    }

    /** The pins of a body's filter calls; null when it has none (most bodies): nothing to look up then. */
    static FilterPins of(Network network, List<JsonRequest> requests) {
        FilterPins pins = null;
        for (int i = 0; i < requests.size(); i++) {
            JsonRequest r = requests.get(i);
            if (!USES.contains(r.method())) {
                continue;
            }
            if (pins == null) {
                pins = new FilterPins(requests.size());
            }
            Matcher id = r.params() == null ? null : ID.matcher(r.params().toString());
            Provider owner = id != null && id.matches() ? owner(network, id.group(1)) : null;
            if (owner == null) {
                pins.unknown[i] = true;
            } else {
                pins.owners[i] = owner;
                pins.params[i] = RawJson.of("[\"0x" + id.group(2) + "\"]");
            }
        }
        return pins;
    }

    private static Provider owner(Network network, String tag) {
        for (Provider p : network.providers()) {
            if (tag(p).equalsIgnoreCase(tag)) {
                return p;
            }
        }
        return null;
    }

    /** FNV-1a of "network/name": stable across restarts and replicas, never the URL. */
    static String tag(Provider provider) {
        int hash = 0x811c9dc5;
        for (byte b : (provider.definition().network() + "/" + provider.name()).getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x01000193;
        }
        return String.format(Locale.ROOT, "%08x", hash);
    }

    /** A new filter's id as the client gets it: the provider's id behind the provider's tag. */
    static UpstreamAnswer tagged(JsonRequest request, UpstreamAnswer answer, Provider provider) {
        if (!CREATES.contains(request.method())) {
            return answer;
        }
        String result = answer.result().toString();
        if (!result.startsWith("\"0x") || !result.endsWith("\"")) {
            return answer;
        }
        return new UpstreamAnswer(answer.id(), RawJson.of("\"0x" + tag(provider) + result.substring(3)), null, 0, null);
    }

    /** A node's own answer about a filter it does not know: false to an uninstall, "filter not found" otherwise. */
    static UpstreamAnswer notFound(int index, JsonRequest request) {
        if ("eth_uninstallFilter".equals(request.method())) {
            return new UpstreamAnswer(index + 1, RawJson.of("false"), null, 0, null);
        }
        return new UpstreamAnswer(index + 1, null, RawJson.of("{\"code\":-32000,\"message\":\"" + NOT_FOUND + "\"}"),
                -32000, NOT_FOUND);
    }

    boolean unknown(int i) {
        return unknown[i];
    }

    boolean pinned(int i) {
        return owners[i] != null || unknown[i];
    }

    /** Whether request {@code i} may go to {@code provider}: only its filter's owner takes a filter call. */
    boolean allows(int i, Provider provider) {
        return !unknown[i] && (owners[i] == null || owners[i] == provider);
    }

    /** The params to send: the provider's own filter id for a pinned call, the client's params otherwise. */
    RawJson params(int i, JsonRequest request) {
        return params[i] != null ? params[i] : request.params();
    }
}
