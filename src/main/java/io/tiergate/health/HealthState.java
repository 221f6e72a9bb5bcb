package io.tiergate.health;

/** A provider's health, shown the same way in health endpoints, logs and the admin API. */
public enum HealthState {
    /** Not probed yet: usable, so a cold start serves traffic. */
    UNKNOWN,
    UP,
    /** Answers, but its head is more than max-lag-blocks behind the best head of the network. */
    LAGGING,
    /** Reports eth_syncing != false. */
    SYNCING,
    /** max-failures probes or requests failed in a row, or its circuit breaker opened. */
    DOWN,
    /** Serves another chain than the network's chain-id. Never selected. */
    MISCONFIGURED
}
