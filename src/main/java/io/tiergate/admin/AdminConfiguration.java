package io.tiergate.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.config.TiergateProperties;
import io.tiergate.health.HealthProber;
import io.tiergate.provider.NetworkRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Runtime overrides by operators: the store (in memory, per replica), its applier, the audit log, the service. */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

    @Bean
    public OverrideStore overrideStore(Clock clock) {
        return new MemoryOverrideStore(clock);
    }

    @Bean
    public OverrideApplier overrideApplier(NetworkRegistry registry, TiergateProperties properties,
            ObjectProvider<HealthProber> prober, OverrideStore store) {
        OverrideApplier applier = new OverrideApplier(registry, properties, prober);
        store.all().forEach(applier::apply);
        store.subscribe(applier::apply);
        return applier;
    }

    @Bean
    public AuditLog auditLog() {
        return new AuditLog();
    }

    @Bean
    public AdminService adminService(NetworkRegistry registry, OverrideStore store, AuditLog audit,
            TiergateProperties properties, MeterRegistry meters, Clock clock, OverrideApplier applier) {
        return new AdminService(registry, store, audit, properties, meters, clock);
    }
}
