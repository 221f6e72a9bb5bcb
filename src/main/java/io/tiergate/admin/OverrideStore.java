package io.tiergate.admin;

import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Where operators' overrides live. The in-memory store keeps them on this replica only; a shared
 * store (Redis) lets every replica apply the same changes. Listeners hear every stored change,
 * local or from elsewhere, and apply it to the running providers; they may hear a version more than once
 * and apply each version once.
 */
public interface OverrideStore {

    /**
     * Changes one provider's override atomically; the result carries a new version and the actor. When this
     * returns, the change is applied on this replica.
     */
    ProviderOverride update(String network, String provider, String actor, UnaryOperator<ProviderOverride> change);

    ProviderOverride get(String network, String provider);

    Collection<ProviderOverride> all();

    void subscribe(Consumer<ProviderOverride> listener);
}
