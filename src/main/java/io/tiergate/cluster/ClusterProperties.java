package io.tiergate.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tiergate.cluster.*}: whether replicas share admin overrides, quotas and rate-limit rests through
 * Redis, or each keeps its own ({@code memory}, one instance).
 *
 * @param store        {@code memory} (default) or {@code redis}
 * @param name         namespaces the keys, so two gateways can share one Redis
 * @param replica      this replica's name in the audit trail and the replica count (default: host name)
 * @param redis        where Redis is
 * @param sync         how often a replica reads the whole shared state again, counts replicas and retries Redis
 *                     when it was unreachable (changes themselves arrive at once by publish/subscribe)
 * @param quotaBatch   quota tokens a replica reserves from the shared budget at a time; a replica holds at most
 *                     this many unspent, and the request path never waits on Redis
 */
@ConfigurationProperties("tiergate.cluster")
public record ClusterProperties(
        @DefaultValue("memory") Store store,
        @DefaultValue("tiergate") String name,
        String replica,
        @DefaultValue Redis redis,
        @DefaultValue("1s") Duration sync,
        @DefaultValue("10") int quotaBatch) {

    public enum Store { MEMORY, REDIS }

    /**
     * @param url      {@code redis://host:6379} or {@code rediss://} for TLS; may carry {@code user:password@}
     * @param password overrides the URL's password (from a Secret in the chart); never logged
     * @param timeout  per command; a replica that cannot reach Redis within it carries on alone
     */
    public record Redis(
            @DefaultValue("redis://localhost:6379") String url,
            String password,
            @DefaultValue("500ms") Duration timeout) {
    }
}
