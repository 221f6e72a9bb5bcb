package io.tiergate.provider;

/** A provider's {@link HealthState} moved, with the evidence for it. */
public record ProviderStateChange(Provider provider, HealthState from, HealthState to, String reason) {
}
