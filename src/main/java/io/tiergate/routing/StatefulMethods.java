package io.tiergate.routing;

import java.util.Set;

/** Methods whose answers depend on state a node keeps per caller (filters, subscriptions): never shared or hedged. */
public final class StatefulMethods {

    private static final Set<String> STATEFUL = Set.of(
            "eth_newFilter", "eth_newBlockFilter", "eth_newPendingTransactionFilter", "eth_getFilterChanges",
            "eth_getFilterLogs", "eth_uninstallFilter", "eth_subscribe", "eth_unsubscribe");

    private StatefulMethods() {
    }

    public static boolean isStateful(String method) {
        return STATEFUL.contains(method);
    }
}
