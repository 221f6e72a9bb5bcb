package io.tiergate.admin;

import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP requests to the admin API as a test sends them: every route, any Authorization header, raw answers. */
final class AdminRequests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private AdminRequests() {
    }

    /** One admin route with a body it would accept. */
    record Route(HttpMethod method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every route of the admin API, aimed at {@code provider} of {@code network}. */
    static List<Route> everyRoute(String network, String tier, String provider) {
        String providers = "/admin/networks/" + network + "/providers";
        String one = providers + "/" + provider;
        return List.of(
                new Route(HttpMethod.GET, "/admin/networks", null),
                new Route(HttpMethod.GET, providers, null),
                new Route(HttpMethod.GET, one, null),
                new Route(HttpMethod.POST, one + "/drain", null),
                new Route(HttpMethod.PUT, one + "/weight", "{\"weight\": 40}"),
                new Route(HttpMethod.DELETE, one + "/weight", null),
                new Route(HttpMethod.POST, one + "/reinstate", null),
                new Route(HttpMethod.POST, providers,
                        "{\"tier\": \"" + tier + "\", \"name\": \"added_by_test\", \"url\": \"http://127.0.0.1:9\", \"weight\": 50}"),
                new Route(HttpMethod.DELETE, one, null),
                new Route(HttpMethod.GET, "/admin/status", null),
                new Route(HttpMethod.GET, "/admin/audit", null));
    }

    /** What came back. */
    record Reply(int status, HttpHeaders headers, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.getFirst(name);
        }
    }

    static WebTestClient client(int port) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    static Reply send(WebTestClient client, Route route, String authorization) {
        return send(client, route.method(), route.path(), route.body(), authorization, MediaType.APPLICATION_JSON_VALUE);
    }

    /** {@code authorization} and {@code contentType} may be null: no such header. */
    static Reply send(WebTestClient client, HttpMethod method, String path, String body, String authorization,
            String contentType) {
        WebTestClient.RequestBodySpec request = client.method(method).uri(path).headers(h -> {
            if (authorization != null) {
                h.set(HttpHeaders.AUTHORIZATION, authorization);
            }
            if (contentType != null && body != null) {
                h.set(HttpHeaders.CONTENT_TYPE, contentType);
            }
        });
        WebTestClient.RequestHeadersSpec<?> ready = body == null ? request : request.bodyValue(body);
        EntityExchangeResult<String> result = ready.exchange().expectBody(String.class).returnResult();
        return new Reply(result.getStatus().value(), result.getResponseHeaders(), result.getResponseBody());
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }
}
