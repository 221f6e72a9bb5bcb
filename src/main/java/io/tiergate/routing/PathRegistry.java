package io.tiergate.routing;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import java.util.HashMap;
import java.util.Map;

/** The request paths of every network, built once at start-up (networks do not change at run time). */
public final class PathRegistry {

    private final Map<String, NetworkPaths> paths = new HashMap<>();

    public PathRegistry(NetworkRegistry networks, MeterRegistry meters) {
        for (Network network : networks.networks()) {
            paths.put(network.name(), new NetworkPaths(network, meters));
        }
    }

    NetworkPaths of(Network network) {
        return paths.get(network.name());
    }
}
