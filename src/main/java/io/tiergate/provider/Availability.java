package io.tiergate.provider;

/** Whether a provider may be selected now, and if not, why (in words shown to clients and operators). */
public enum Availability {
    USABLE("usable", true),
    /** Usable only while no healthy provider is left in any tier. */
    LAGGING("lagging behind the best head", true),
    SYNCING("syncing", true),
    CIRCUIT_OPEN("circuit open", false),
    RATE_LIMITED("rate-limited, backing off", false),
    QUOTA_EXHAUSTED("quota exhausted", false),
    DOWN("down", false),
    DRAINED("drained by an operator", false),
    MISCONFIGURED("on the wrong chain", false);

    private final String reason;
    private final boolean selectable;

    Availability(String reason, boolean selectable) {
        this.reason = reason;
        this.selectable = selectable;
    }

    public String reason() {
        return reason;
    }

    /** Usable now, possibly only as a fallback (lagging, syncing). */
    public boolean selectable() {
        return selectable;
    }
}
