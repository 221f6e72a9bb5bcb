package io.tiergate.provider;

/** A failed call as the circuit breaker records it; carries no stack trace, address or key. */
public final class UpstreamFault extends RuntimeException {

    public UpstreamFault(String reason) {
        super(reason, null, false, false);
    }
}
