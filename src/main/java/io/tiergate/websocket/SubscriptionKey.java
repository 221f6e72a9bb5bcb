package io.tiergate.websocket;

/**
 * What makes two client subscriptions the same upstream subscription: network, kind and the exact params
 * (the filter of a logs subscription, the flag of newPendingTransactions) as sent.
 */
public record SubscriptionKey(String network, String kind, String params) {

    /** The kinds tiergate shares and keeps alive across providers. */
    public static boolean supported(String kind) {
        return "newHeads".equals(kind) || "logs".equals(kind) || "newPendingTransactions".equals(kind);
    }

    public boolean isNewHeads() {
        return "newHeads".equals(kind);
    }

    public boolean isLogs() {
        return "logs".equals(kind);
    }
}
