package io.tiergate.provider;

/** Whether a provider may be selected now, and if not, why (in words shown to clients and operators). */
public enum Availability {
    USABLE("usable"),
    CIRCUIT_OPEN("circuit open"),
    RATE_LIMITED("rate-limited, backing off"),
    QUOTA_EXHAUSTED("quota exhausted");

    private final String reason;

    Availability(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
