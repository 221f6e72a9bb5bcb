package io.tiergate.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.admin.AdminViews.NetworkView;
import io.tiergate.admin.AdminViews.ProviderView;
import io.tiergate.admin.ProviderOverride.AddedProvider;
import io.tiergate.config.InvalidConfigurationException;
import io.tiergate.config.NetworkDefinitions;
import io.tiergate.config.ProviderProperties;
import io.tiergate.config.TiergateProperties;
import io.tiergate.provider.AdminState;
import io.tiergate.provider.FleetLimits;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What operators can do at run time: drain, reweight, reinstate, add and remove providers. Every
 * change goes through the {@link OverrideStore} (so a shared store can spread it), is applied to
 * the running providers, written to the audit log and counted.
 */
public class AdminService implements AdminOperations {

    private static final Duration REMOVAL_POLL = Duration.ofMillis(20);

    private final NetworkRegistry registry;
    private final OverrideStore store;
    private final AuditLog audit;
    private final TiergateProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final FleetLimits limits;
    private final HealthIndicator cluster;
    private final Set<String> removing = ConcurrentHashMap.newKeySet();

    public AdminService(NetworkRegistry registry, OverrideStore store, AuditLog audit, TiergateProperties properties,
            MeterRegistry meters, Clock clock, FleetLimits limits, HealthIndicator cluster) {
        this.registry = registry;
        this.store = store;
        this.audit = audit;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        this.limits = limits;
        this.cluster = cluster;
    }

    public List<NetworkView> networks() {
        return registry.networks().stream().map(AdminViews::network).toList();
    }

    public List<ProviderView> providers(String network) {
        Network n = network(network);
        return n.providers().stream().map(p -> AdminViews.provider(n, p)).toList();
    }

    public ProviderView provider(String network, String name) {
        Network n = network(network);
        return AdminViews.provider(n, provider(n, name));
    }

    /** No new request goes to the provider once this returns; the view's inFlight says how many still run. */
    public ProviderView drain(String network, String name, String actor) {
        Network n = network(network);
        Provider p = provider(n, name);
        AdminState before = p.adminState();
        store.update(n.name(), p.name(), actor, o -> o.withState(AdminState.DRAINED));
        changed(actor, "drain", n, p, before.name(), AdminState.DRAINED.name());
        return AdminViews.provider(n, p);
    }

    public ProviderView setWeight(String network, String name, int weight, String actor) {
        Network n = network(network);
        Provider p = provider(n, name);
        int value = weight(weight);

        int before = p.weight();
        store.update(n.name(), p.name(), actor, o -> o.withWeight(value));
        changed(actor, "weight", n, p, Integer.toString(before), Integer.toString(value));
        return AdminViews.provider(n, p);
    }

    public ProviderView restoreWeight(String network, String name, String actor) {
        Network n = network(network);
        Provider p = provider(n, name);
        int before = p.weight();
        store.update(n.name(), p.name(), actor, o -> o.withWeight(null));
        changed(actor, "weight-restore", n, p, Integer.toString(before), Integer.toString(p.definition().weight()));
        return AdminViews.provider(n, p);
    }

    /** Drain lifted, breaker closed, backoff and failures cleared, a probe at once. */
    public ProviderView reinstate(String network, String name, String actor) {
        Network n = network(network);
        Provider p = provider(n, name);
        String before = p.adminState() + "/" + p.state() + "/" + p.breaker().getState();
        limits.reinstated(p.definition());
        store.update(n.name(), p.name(), actor, ProviderOverride::reinstated);
        changed(actor, "reinstate", n, p, before, p.adminState() + "/" + p.state() + "/" + p.breaker().getState());
        return AdminViews.provider(n, p);
    }

    /** Adds a provider from a body with the keys of configuration plus {@code tier}. */
    public ProviderView add(String network, Map<String, Object> body, String actor) {
        Network n = network(network);
        if (body == null) {
            throw AdminException.badValue("missing body", "a provider definition: tier, name, url, weight, ...");
        }
        Object tier = body.get("tier");
        if (!(tier instanceof String tierName) || n.tier(tierName) == null) {
            throw AdminException.badValue("unknown tier", "tier must be one of "
                    + n.tiers().stream().map(t -> t.name()).toList() + " (was " + tier + ")");
        }
        ProviderProperties definition = bind(body);
        if (definition.name() != null && n.provider(definition.name().trim()) != null) {
            throw AdminException.conflict("provider already exists", definition.name().trim());
        }
        try {
            NetworkDefinitions.resolveAdded(n.name(), properties.networks().get(n.name()), tierName, definition);
        } catch (InvalidConfigurationException e) {
            throw AdminException.badValue("invalid provider", e.getMessage());
        }
        String name = definition.name().trim();
        store.update(n.name(), name, actor, o -> o.withAdded(new AddedProvider(tierName, definition)));
        Provider added = n.provider(name);
        changed(actor, "add", n, added, "absent", "tier " + tierName + ", weight " + added.weight());
        return AdminViews.provider(n, added);
    }

    /**
     * Drains the provider, waits for its requests in flight (up to request-timeout), then removes it. The
     * removal runs to its end even if the caller hangs up, so a provider is never left drained half-way.
     */
    public Mono<ProviderView> remove(String network, String name, String actor) {
        Network n = network(network);
        Provider p = provider(n, name);
        String key = n.name() + "/" + p.name();
        // Check and mark together: two removals at once must not empty a network between them.
        synchronized (n) {
            if (removing.contains(key)) {
                throw AdminException.conflict("removal in progress", p.name());
            }
            long staying = n.providers().stream().filter(q -> !removing.contains(n.name() + "/" + q.name())).count();
            if (staying <= 1) {
                throw AdminException.conflict("last provider of the network",
                        "add another provider before removing " + name);
            }
            removing.add(key);
        }
        ProviderView before = AdminViews.provider(n, p);
        store.update(n.name(), p.name(), actor, o -> o.withState(AdminState.DRAINED));
        Duration patience = n.definition().requestTimeout().plusSeconds(1);
        Mono<ProviderView> removal = Flux.interval(Duration.ZERO, REMOVAL_POLL)
                .filter(t -> p.inFlight() == 0)
                .next()
                .timeout(patience, Mono.empty())
                .then(Mono.fromCallable(() -> {
                    store.update(n.name(), p.name(), actor, ProviderOverride::asRemoved);
                    changed(actor, "remove", n, p, "tier " + p.tier(), "removed");
                    return before;
                }))
                .doFinally(signal -> removing.remove(key))
                .cache();
        removal.subscribe(view -> { }, error -> { });
        return removal;
    }

    public List<AuditEntry> audit(int limit) {
        return audit.recent(Math.max(1, Math.min(limit, 1000)));
    }

    public String status() {
        return StatusView.render(registry, clock, cluster == null ? null : cluster.health());
    }

    private void changed(String actor, String action, Network n, Provider p, String before, String after) {
        audit.record(new AuditEntry(clock.instant(), actor, action, n.name(), p.name(), before, after, audit.replica()));
        meters.counter("tiergate.admin.actions", "action", action).increment();
    }

    private Network network(String name) {
        Network n = registry.find(name);
        if (n == null) {
            throw AdminException.notFound("unknown network '" + name + "'");
        }
        return n;
    }

    private static Provider provider(Network n, String name) {
        Provider p = n.provider(name);
        if (p == null) {
            throw AdminException.notFound("unknown provider '" + name + "' in network " + n.name());
        }
        return p;
    }

    private static int weight(int value) {
        if (value < 0 || value > NetworkDefinitions.MAX_WEIGHT) {
            throw AdminException.badValue("invalid weight", "weight must be from 0 to "
                    + NetworkDefinitions.MAX_WEIGHT + " (was " + value + ")");
        }
        return value;
    }

    /** Binds the body as Spring binds configuration: kebab-case keys, durations such as "5s". */
    private static ProviderProperties bind(Map<String, Object> body) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("provider", body, flat);
        flat.remove("provider.tier");
        try {
            return new Binder(new MapConfigurationPropertySource(flat)).bind("provider", ProviderProperties.class)
                    .orElseThrow(() -> AdminException.badValue("invalid provider", "empty definition"));
        } catch (BindException e) {
            String key = e.getProperty() == null ? "" : e.getProperty().getName().toString().replaceFirst("^provider\\.", "");
            throw AdminException.badValue("invalid provider", key + ": cannot be read as "
                    + e.getTarget().getType().resolve(Object.class).getSimpleName());
        }
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out) {
        map.forEach((k, v) -> {
            String key = prefix + "." + k;
            if (v instanceof Map<?, ?> nested) {
                flatten(key, nested, out);
            } else if (v != null) {
                out.put(key, v.toString());
            }
        });
    }
}
