package io.tiergate.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.config.TiergateProperties;
import io.tiergate.health.HealthProber;
import io.tiergate.provider.FleetLimits;
import io.tiergate.provider.NetworkRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runtime overrides by operators: the applier and the service. The store and the audit log are the cluster's
 * ({@code io.tiergate.cluster}): this replica's own, or shared by the fleet.
 */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

    @Bean
    public OverrideApplier overrideApplier(NetworkRegistry registry, TiergateProperties properties,
            ObjectProvider<HealthProber> prober, OverrideStore store) {
        OverrideApplier applier = new OverrideApplier(registry, properties, prober);
        store.all().forEach(applier::restore);
        store.subscribe(applier::apply);
        return applier;
    }

    @Bean
    public AdminService adminService(NetworkRegistry registry, OverrideStore store, AuditLog audit,
            TiergateProperties properties, MeterRegistry meters, Clock clock, OverrideApplier applier,
            FleetLimits limits, @Qualifier("cluster") ObjectProvider<HealthIndicator> cluster) {
        return new AdminService(registry, store, audit, properties, meters, clock, limits, cluster.getIfAvailable());
    }
}
