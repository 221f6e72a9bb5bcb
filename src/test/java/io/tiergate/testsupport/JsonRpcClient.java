package io.tiergate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

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
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during POST " + url, e);
        }
    }
}
