package io.tiergate.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.function.LongSupplier;

/**
 * Answers a request got without a provider call of its own, for one network: answered locally (eth_chainId,
 * net_version), from the answer cache (Caffeine's own hit, miss and eviction meters, plus its size in
 * bytes), or by joining an identical request in flight (coalescing).
 */
public final class LocalAnswerMetrics {

    private final MeterRegistry registry;
    private final String network;
    private final Counter chainId;
    private final Counter netVersion;
    private final Counter coalesced;

    public LocalAnswerMetrics(MeterRegistry registry, String network) {
        this.registry = registry;
        this.network = network;
        this.chainId = local(registry, network, "eth_chainId");
        this.netVersion = local(registry, network, "net_version");
        this.coalesced = Counter.builder("tiergate.coalesced.requests").tag("network", network)
                .description("requests answered by an identical request's upstream call already in flight")
                .register(registry);
    }

    public void answeredLocally(String method) {
        ("net_version".equals(method) ? netVersion : chainId).increment();
    }

    public void coalesced() {
        coalesced.increment();
    }

    /** The network's answer cache: {@code cache_gets_total{cache="tiergate.answers",result=hit|miss}}, ... */
    public void bindCache(Cache<?, ?> cache, LongSupplier bytes) {
        CaffeineCacheMetrics.monitor(registry, cache, "tiergate.answers", Tags.of("network", network));
        Gauge.builder("tiergate.cache.size.bytes", bytes, LongSupplier::getAsLong).tag("network", network)
                .description("bytes held by the answer cache (results and keys), at most cache.max-size")
                .register(registry);
    }

    private static Counter local(MeterRegistry registry, String network, String method) {
        return Counter.builder("tiergate.local.answers").tag("network", network).tag("method", method)
                .description("requests tiergate answered itself, from the verified chain id").register(registry);
    }
}
