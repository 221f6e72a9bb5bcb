package io.tiergate.admin;

import java.time.Instant;

/** One operator change: who, what, on which provider, from what to what, when, and through which replica. */
public record AuditEntry(Instant at, String actor, String action, String network, String provider, String before,
        String after, String replica) {
}
