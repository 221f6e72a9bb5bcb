package io.tiergate.health;

import java.util.Set;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.Status;

/**
 * Boot's default ordering (DOWN wins), except that a network whose {@code serving} component says
 * SERVING is UP: its local tier may be DOWN while the cloud tier answers every request.
 */
final class ServingAwareStatusAggregator implements StatusAggregator {

    private final StatusAggregator delegate;

    ServingAwareStatusAggregator(StatusAggregator delegate) {
        this.delegate = delegate;
    }

    static ServingAwareStatusAggregator withDefaultOrder() {
        return new ServingAwareStatusAggregator(new SimpleStatusAggregator());
    }

    @Override
    public Status getAggregateStatus(Set<Status> statuses) {
        if (statuses.contains(ServingHealthIndicator.SERVING)) {
            return Status.UP;
        }
        return delegate.getAggregateStatus(statuses);
    }
}
