package io.tiergate.provider;

/** A provider's health, shown the same way in health endpoints, logs, metrics and the admin API. */
public enum HealthState {
    /** Not probed yet and never answered: usable, so a cold start serves traffic. */
    UNKNOWN,
    UP,
    /** Answers, but its head is more than max-lag-blocks behind the best head of the network. */
    LAGGING,
    /** Reports eth_syncing != false. */
    SYNCING,
    /** Resting after HTTP 429 or a rate-limit error, until its Retry-After or backoff has passed. */
    RATE_LIMITED,
    /** Its circuit breaker is open (max-failures or failure-threshold failures in a row). */
    DOWN,
    /** Serves another chain than the network's chain-id. Never selected. */
    MISCONFIGURED
}
