package io.tiergate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Minimal HTTP client for tests: POSTs a body and hands back status, body and headers as they came,
 * without interpreting JSON-RPC, so tests can assert on exactly what the gateway returned.
 */
public final class JsonRpcClient {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    public static final String JSON = "application/json";

    /** What the server answered. */
    public record Response(int status, String body, HttpHeaders headers) {

        /** The first value of header {@code name} (case-insensitive), or {@code null} if absent. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    // HTTP/1.1 on purpose: the default (HTTP/2) would send an h2c upgrade request first, which is
    // not what real JSON-RPC clients do and would muddy what the tests observe.
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    /**
     * Any request: {@code method} with {@code body} (null: none) and {@code headers} (e.g. a bearer token on the
     * management port).
     */
    public Response send(String method, String url, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return exchange(method + " " + url, request);
    }

    /** POSTs {@code body} as {@code application/json}. */
    public Response post(String url, String body) {
        return post(url, body, JSON);
    }

    /** POSTs {@code body} with the given Content-Type ({@code null}: no Content-Type header). */
    public Response post(String url, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return exchange("POST " + url, request);
    }

    private Response exchange(String what, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        }
    }
}
