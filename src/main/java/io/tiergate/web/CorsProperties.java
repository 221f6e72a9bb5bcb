package io.tiergate.web;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.web.cors.CorsConfiguration;

/**
 * {@code tiergate.cors.*}: browsers on other origins may call the JSON-RPC port, as nodes allow
 * ({@code --http.corsdomain}). {@code allowed-origins} is {@code *} by default, as anvil and public endpoints
 * answer; list origins to narrow it. The management port never sends CORS headers.
 */
@ConfigurationProperties("tiergate.cors")
public record CorsProperties(
        @DefaultValue("*") List<String> allowedOrigins,
        @DefaultValue("600s") Duration maxAge) {

    /** Spring's own CORS rules (origin and header checks) for the JSON-RPC endpoint: exact origins, or {@code *}. */
    CorsConfiguration configuration() {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(allowedOrigins);
        cors.addAllowedMethod("POST");
        cors.addAllowedHeader(CorsConfiguration.ALL);
        cors.setMaxAge(maxAge);
        return cors;
    }
}
