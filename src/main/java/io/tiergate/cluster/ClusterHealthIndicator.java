package io.tiergate.cluster;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code /actuator/health/cluster}: whether this replica shares state with the fleet. With Redis unreachable it
 * says DEGRADED (HTTP 200) with what it does meanwhile; it is not part of readiness, because the replica keeps
 * serving with its last known overrides.
 */
final class ClusterHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "serving alone until the cluster store returns");

    private final ClusterProperties properties;
    private final String replica;
    private final RedisLink link;
    private final SharedLimits limits;

    ClusterHealthIndicator(ClusterProperties properties, String replica, RedisLink link, SharedLimits limits) {
        this.properties = properties;
        this.replica = replica;
        this.link = link;
        this.limits = limits;
    }

    @Override
    public Health health() {
        if (link == null) {
            return Health.up().withDetail("store", "memory").withDetail("replica", replica).build();
        }
        Health.Builder health = link.reachable() ? Health.up() : Health.status(DEGRADED)
                .withDetail("error", link.lastError())
                .withDetail("meanwhile", "last known overrides; a 1/" + limits.replicas()
                        + " share of each quota; changes made here are written back when the store returns");
        return health.withDetail("store", "redis")
                .withDetail("redis", link.where())
                .withDetail("cluster", properties.name())
                .withDetail("replica", replica)
                .withDetail("reachable", link.reachable())
                .withDetail("since", String.valueOf(link.since()))
                .withDetail("replicas", limits.replicas())
                .build();
    }
}
