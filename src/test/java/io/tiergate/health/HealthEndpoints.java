package io.tiergate.health;

import io.tiergate.testsupport.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads tiergate's Actuator health over HTTP on the management port, as an operator or Kubernetes
 * does, and polls for a condition with a deadline (probes run on the prober's own thread).
 */
final class HealthEndpoints {

    static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Status and body of a GET, with the body parsed when it is JSON. */
    record Reply(int status, String body, JsonNode json) {
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final int managementPort;

    HealthEndpoints(int managementPort) {
        this.managementPort = managementPort;
    }

    /** GET on the management port, e.g. {@code /actuator/health/tiergate/ethereum/local}. */
    Reply management(String path) {
        return get("http://127.0.0.1:" + managementPort + path);
    }

    Reply get(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String body = response.body();
            if (body != null && body.startsWith("{")) {
                json = JSON.readTree(body);
            }
            return new Reply(response.statusCode(), body, json);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + url, e);
        }
    }

    /** {@code /actuator/health/tiergate/ethereum/<tier>}. */
    Reply tier(String tier) {
        return management("/actuator/health/tiergate/ethereum/" + tier);
    }

    /** One provider's details within its tier's health. */
    JsonNode provider(String tier, String name) {
        Reply reply = tier(tier);
        JsonNode node = reply.json() == null ? null : reply.json().path("details").path("providers").path(name);
        if (node == null || node.isMissingNode()) {
            throw new AssertionError("no provider " + name + " in tier " + tier + ": " + reply.body());
        }
        return node;
    }

    String state(String tier, String name) {
        return provider(tier, name).path("state").asString();
    }

    /** Waits until the provider shows {@code state}; fails with its last details otherwise. */
    void awaitState(String tier, String name, String state) {
        await(tier + "/" + name + " becomes " + state, () -> state.equals(state(tier, name)),
                () -> provider(tier, name).toString());
    }

    /** Polls {@code condition} until it holds or {@link #DEADLINE} passes. */
    static void await(String what, BooleanSupplier condition, Supplier<String> lastSeen) {
        Eventually.await(what, condition, lastSeen, DEADLINE);
    }
}
