package io.tiergate.admin.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bearer tokens of the admin API by name ({@code tiergate.admin.tokens.<name>}); the name is the caller
 * recorded in the audit log. A blank token counts as not configured.
 */
@ConfigurationProperties("tiergate.admin")
public record AdminSecurityProperties(Map<String, String> tokens) {

    public AdminSecurityProperties {
        tokens = tokens == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
    }
}
