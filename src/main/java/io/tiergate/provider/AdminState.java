package io.tiergate.provider;

/** What an operator decided for a provider: in service, or drained (no new requests). */
public enum AdminState {
    ACTIVE,
    DRAINED
}
