package io.tiergate.admin;

import io.tiergate.config.ProviderProperties;
import io.tiergate.provider.AdminState;
import java.time.Instant;

/**
 * What operators decided for one provider, as stored: drain, weight, an added provider's definition,
 * removal, and how many reinstates were asked. {@code version} grows with every change, so a replica
 * applying changes from a shared store can tell new from stale.
 */
public record ProviderOverride(
        String network,
        String provider,
        AdminState state,
        Integer weight,
        AddedProvider added,
        boolean removed,
        long reinstates,
        long version,
        String actor,
        Instant updatedAt) {

    /** A provider added at run time: its tier and its definition, with the keys of configuration. */
    public record AddedProvider(String tier, ProviderProperties properties) {
    }

    public static ProviderOverride none(String network, String provider) {
        return new ProviderOverride(network, provider, AdminState.ACTIVE, null, null, false, 0, 0, null, null);
    }

    ProviderOverride withState(AdminState next) {
        return new ProviderOverride(network, provider, next, weight, added, removed, reinstates, version, actor, updatedAt);
    }

    ProviderOverride withWeight(Integer next) {
        return new ProviderOverride(network, provider, state, next, added, removed, reinstates, version, actor, updatedAt);
    }

    ProviderOverride reinstated() {
        return new ProviderOverride(network, provider, AdminState.ACTIVE, weight, added, removed, reinstates + 1, version,
                actor, updatedAt);
    }

    ProviderOverride withAdded(AddedProvider next) {
        return new ProviderOverride(network, provider, AdminState.ACTIVE, weight, next, false, reinstates, version, actor,
                updatedAt);
    }

    ProviderOverride asRemoved() {
        return new ProviderOverride(network, provider, AdminState.DRAINED, null, null, true, reinstates, version, actor,
                updatedAt);
    }

    public ProviderOverride stamped(long nextVersion, String by, Instant at) {
        return new ProviderOverride(network, provider, state, weight, added, removed, reinstates, nextVersion, by, at);
    }
}
