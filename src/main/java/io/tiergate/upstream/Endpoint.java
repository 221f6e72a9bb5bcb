package io.tiergate.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where an {@link UpstreamClient} posts: {@code name} names its connection pools, {@code timeout} bounds its
 * connects. {@code url} and {@code headers} may hold secrets, so {@link #toString()} shows the name only.
 */
public record Endpoint(String name, URI url, Map<String, String> headers, Duration timeout) {

    @Override
    public String toString() {
        return name;
    }
}
