package io.tiergate.upstream;

import java.time.Duration;

/** What a provider sent back over HTTP: status, Retry-After (null if absent) and the raw body. */
public record UpstreamResponse(int status, Duration retryAfter, byte[] body) {

    public boolean isSuccessStatus() {
        return status >= 200 && status < 300;
    }
}
