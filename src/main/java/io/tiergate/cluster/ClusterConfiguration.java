package io.tiergate.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.admin.AuditLog;
import io.tiergate.admin.MemoryOverrideStore;
import io.tiergate.admin.OverrideStore;
import io.tiergate.provider.FleetLimits;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.RegistryEvent;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import lombok.extern.slf4j.Slf4j;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Where replicas keep what they share: admin overrides, the audit trail, quotas and rate-limit rests. With
 * {@code tiergate.cluster.store=memory} (the default) each replica keeps its own; with {@code redis} the fleet
 * shares them through Redis and behaves as one gateway.
 */
@Slf4j
@Configuration(proxyBeanMethods = false)
public class ClusterConfiguration {

    @Bean
    public ReplicaName replicaName(ClusterProperties properties) {
        return new ReplicaName(properties.replica() != null && !properties.replica().isBlank()
                ? properties.replica().trim() : defaultName());
    }

    @Bean
    public HealthIndicator cluster(ClusterProperties properties, ReplicaName replica, ObjectProvider<RedisLink> link,
            ObjectProvider<SharedLimits> limits) {
        return new ClusterHealthIndicator(properties, replica.value(), link.getIfAvailable(), limits.getIfAvailable());
    }

    /** This replica's name: the configured one, else the host name (a pod's name) and a random suffix. */
    public record ReplicaName(String value) {
    }

    /**
     * One replica alone: today's behaviour. Anything but {@code redis} lands here, so a misspelt store fails where
     * {@link ClusterProperties} is bound, with a message naming the key, not as a missing bean.
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(StoreIsNotRedis.class)
    static class Alone {

        @Bean
        OverrideStore overrideStore(Clock clock) {
            // Said once at start: with several replicas behind a Service this is the setting operators look for.
            log.info("Cluster store: memory: admin overrides, quotas and rate-limit rests are this replica's own "
                    + "(tiergate.cluster.store=redis shares them across replicas; docs/scaling.md)");
            return new MemoryOverrideStore(clock);
        }

        @Bean
        AuditLog auditLog(ReplicaName replica) {
            return new AuditLog(replica.value());
        }

        @Bean
        FleetLimits fleetLimits(Clock clock) {
            return FleetLimits.local(clock);
        }
    }

    /** The fleet shares state through Redis. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "tiergate.cluster.store", havingValue = "redis")
    static class Shared {

        @Bean(destroyMethod = "close")
        RedisLink redisLink(ClusterProperties properties, Clock clock, MeterRegistry meters) {
            RedisLink link = new RedisLink(properties.redis(), properties.name(), clock);
            link.connect();
            Gauge.builder("tiergate.cluster.store.reachable", link, l -> l.reachable() ? 1 : 0)
                    .description("1 while this replica reaches the cluster store (Redis), 0 while it serves alone")
                    .register(meters);
            return link;
        }

        @Bean
        ClusterJson clusterJson() {
            return new ClusterJson();
        }

        /** Loads the fleet's overrides before anything applies them, so a new replica starts with them. */
        @Bean
        RedisOverrideStore overrideStore(RedisLink link, ClusterJson json, Clock clock) {
            RedisOverrideStore store = new RedisOverrideStore(link, json, clock);
            if (link.reachable()) {
                try {
                    store.sync();
                } catch (RuntimeException e) {
                    link.failed(e);
                }
            }
            return store;
        }

        @Bean
        SharedAuditLog auditLog(ReplicaName replica, RedisLink link, ClusterJson json) {
            return new SharedAuditLog(replica.value(), link, json);
        }

        @Bean
        SharedLimits fleetLimits(RedisLink link, Clock clock, ReplicaName replica, ClusterProperties properties,
                MeterRegistry meters) {
            SharedLimits limits = new SharedLimits(link, clock, replica.value(), properties.quotaBatch(),
                    properties.redis().timeout(), meters);
            Gauge.builder("tiergate.cluster.replicas", limits, SharedLimits::replicas)
                    .description("replicas alive in the cluster, as last counted in Redis").register(meters);
            return limits;
        }

        @Bean(destroyMethod = "close")
        ClusterSync clusterSync(RedisLink link, RedisOverrideStore store, SharedAuditLog audit, SharedLimits limits,
                NetworkRegistry registry, ReplicaName replica, ClusterProperties properties, MeterRegistry meters) {
            FleetRests rests = new FleetRests(link, registry, replica.value(), limits.restChannel(), meters);
            registry.subscribe(event -> {
                if (event instanceof RegistryEvent.ProviderRemoved removed) {
                    limits.forget(removed.provider().definition());
                }
            });
            return new ClusterSync(link, store, audit, limits, rests, replica.value(), properties.sync(), meters);
        }
    }

    static final class StoreIsNotRedis implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !"redis".equalsIgnoreCase(context.getEnvironment().getProperty("tiergate.cluster.store", "memory")
                    .trim());
        }
    }

    private static String defaultName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "replica";
            }
        }
        return host + "-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    }
}
