package io.tiergate.health;

import io.tiergate.provider.Network;
import io.tiergate.provider.Tier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Which tier of a network serves now. Its {@link #SERVING} status tells the aggregator that the
 * network answers, so a DOWN tier beside it does not make the whole network DOWN.
 */
final class ServingHealthIndicator implements HealthIndicator {

    static final Status SERVING = new Status("SERVING", "a tier of this network serves requests");

    private final Network network;

    ServingHealthIndicator(Network network) {
        this.network = network;
    }

    @Override
    public Health health() {
        Tier serving = servingTier();
        if (serving == null) {
            return Health.down().withDetail("servingTier", "none").withDetail("bestHead", network.heads().bestHead())
                    .build();
        }
        return Health.status(SERVING).withDetail("servingTier", serving.name())
                .withDetail("bestHead", network.heads().bestHead()).build();
    }

    Tier servingTier() {
        return network.servingTier();
    }
}
