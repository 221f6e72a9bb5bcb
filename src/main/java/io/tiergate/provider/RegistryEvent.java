package io.tiergate.provider;

/**
 * What the {@link NetworkRegistry} tells its listeners (metrics, prober, subscription hub, logs): the way
 * Resilience4j's registries publish entry events, so nobody is called by hand when a provider comes or goes.
 */
public sealed interface RegistryEvent {

    Network network();

    Provider provider();

    /** A provider joined a network (at start-up, or an operator's add). */
    record ProviderAdded(Network network, Provider provider) implements RegistryEvent {
    }

    /** A provider left its network: listeners drop everything they keep for it. */
    record ProviderRemoved(Network network, Provider provider) implements RegistryEvent {
    }

    /** The state every view shows moved. */
    record StateChanged(Network network, ProviderStateChange change) implements RegistryEvent {
        @Override
        public Provider provider() {
            return change.provider();
        }
    }
}
