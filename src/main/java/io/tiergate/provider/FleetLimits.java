package io.tiergate.provider;

import java.time.Duration;

/**
 * Where a provider's limits are kept: its quota's budget and the rest it takes after a rate limit. One
 * replica alone keeps them in memory ({@link #local}); a fleet sharing a store spends quotas together and
 * tells every replica when one of them was rate limited.
 */
public interface FleetLimits {

    /** The provider's budget, or unlimited when it has none. */
    Quota quota(ProviderDefinition provider);

    /** This replica just made the provider rest for {@code rest} after a rate limit. Must not block. */
    void rested(ProviderDefinition provider, Duration rest);

    /**
     * An operator reinstated the provider: the fleet forgets the rest it shares, so no replica picks it up again.
     * Called before the reinstate is spread.
     */
    default void reinstated(ProviderDefinition provider) {
    }

    static FleetLimits local(java.time.Clock clock) {
        return new FleetLimits() {
            @Override
            public Quota quota(ProviderDefinition provider) {
                return Quota.of(provider.quota(), clock);
            }

            @Override
            public void rested(ProviderDefinition provider, Duration rest) {
                // Alone: nobody else to tell.
            }
        };
    }
}
