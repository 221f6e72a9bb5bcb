package io.tiergate.selection;

import io.tiergate.provider.Provider;

/**
 * The seed design's health_score: a provider's weight, halved for each failure in a row, cut to a
 * tenth while it was rate-limited recently, and raised a little after a recent success.
 */
public final class HealthScore {

    static final long RECENT_RATE_LIMIT_MILLIS = 300_000;
    static final long RECENT_SUCCESS_MILLIS = 30_000;
    static final double RATE_LIMIT_FACTOR = 0.1;
    static final double SUCCESS_BONUS = 1.1;
    private static final int MAX_HALVINGS = 10;

    private HealthScore() {
    }

    public static double of(Provider provider, long nowMillis) {
        double score = provider.weight();
        int failures = provider.consecutiveFailures();
        if (failures > 0) {
            score /= 1L << Math.min(failures, MAX_HALVINGS);
        }
        long limited = provider.backoff().lastLimitedMillis();
        if (limited > 0 && nowMillis - limited < RECENT_RATE_LIMIT_MILLIS) {
            score *= RATE_LIMIT_FACTOR;
        }
        long success = provider.lastSuccessMillis();
        if (failures == 0 && success > 0 && nowMillis - success < RECENT_SUCCESS_MILLIS) {
            score *= SUCCESS_BONUS;
        }
        return score;
    }
}
