package io.tiergate.metrics;

import java.time.Duration;

/** Latency buckets from a local node's sub-millisecond answers to a public endpoint's seconds. */
final class Buckets {

    static final Duration[] LATENCY = {
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private Buckets() {
    }
}
