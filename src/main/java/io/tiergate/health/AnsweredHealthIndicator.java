package io.tiergate.health;

import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness that means it: UP once every network has a usable provider that has answered a probe or a
 * request. A provider nobody has heard from yet is usable (a cold start must serve), but it is no reason to
 * send a pod traffic: until one answers, this says OUT_OF_SERVICE, which the readiness group turns into 503.
 */
final class AnsweredHealthIndicator implements HealthIndicator {

    private final NetworkRegistry registry;

    AnsweredHealthIndicator(NetworkRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        boolean ready = true;
        Map<String, Object> networks = new LinkedHashMap<>();
        for (Network network : registry.networks()) {
            Provider answered = answered(network);
            ready &= answered != null;
            networks.put(network.name(), answered == null ? "no usable provider has answered yet"
                    : "answered by " + answered.name());
        }
        return (ready ? Health.up() : Health.outOfService()).withDetails(networks).build();
    }

    private static Provider answered(Network network) {
        for (Provider p : network.providers()) {
            if (p.hasAnswered() && p.availability().selectable()) {
                return p;
            }
        }
        return null;
    }
}
