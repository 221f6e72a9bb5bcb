package io.tiergate.provider;

import java.time.Duration;

/** A network's rate-limit backoff, resolved: a rate-limited provider rests min(initial x 2^n, max). */
public record BackoffSettings(boolean enabled, Duration initial, Duration max) {
}
