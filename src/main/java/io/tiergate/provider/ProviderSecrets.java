package io.tiergate.provider;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The credentials a provider's definition holds (the parts of its URLs that {@link UrlRedactor} hides, and its
 * header values), so that text coming back from the provider can be scrubbed before it reaches a client, a log
 * line, a health detail or an admin view. Providers echo keys back ("invalid project id abc...", "rate limit
 * exceeded for key abc..."); what they echo is the provider's business, what the gateway repeats is not.
 */
public final class ProviderSecrets {

    private static final String MASK = "***";
    /** Shorter values (a header such as {@code X-Chain: 1}) are not credentials and would garble every message. */
    private static final int SHORTEST = 6;

    private final List<String> secrets;

    private ProviderSecrets(List<String> secrets) {
        this.secrets = secrets;
    }

    public static ProviderSecrets of(ProviderDefinition definition) {
        Set<String> found = new LinkedHashSet<>();
        urlSecrets(definition.url(), definition.redactedUrl(), found);
        if (definition.wsUrl() != null) {
            urlSecrets(definition.wsUrl(), UrlRedactor.redact(definition.wsUrl(), null), found);
        }
        for (Map.Entry<String, String> header : definition.headers().entrySet()) {
            String value = header.getValue() == null ? "" : header.getValue().trim();
            add(value, found);
            int space = value.indexOf(' ');
            if (space > 0) {
                // "Bearer <token>", "Basic <credentials>": the credential without its scheme.
                add(value.substring(space + 1).trim(), found);
            }
        }
        List<String> sorted = new ArrayList<>(found);
        // Longest first, so that a key inside a longer secret does not leave the rest of it behind.
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new ProviderSecrets(List.copyOf(sorted));
    }

    /** {@code text} with every secret of the provider replaced by {@code ***}; null stays null. */
    public String scrub(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }

    /** True when {@code text} shows one of the provider's secrets. */
    public boolean revealedIn(String text) {
        if (text == null) {
            return false;
        }
        for (String secret : secrets) {
            if (text.contains(secret)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** The user info, the path segments and the query values that the redacted form hides, raw and decoded. */
    private static void urlSecrets(URI url, String redacted, Set<String> found) {
        String authority = url.getRawAuthority();
        if (authority != null && authority.contains("@")) {
            // From the raw authority: java.net.URI has no user info for host names with underscores.
            String userInfo = authority.substring(0, authority.lastIndexOf('@'));
            add(userInfo, found);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                add(userInfo.substring(colon + 1), found);
            }
            // As sent upstream: Authorization: Basic <base64(user:password)>.
            add(Base64.getEncoder().encodeToString(decode(userInfo).getBytes(StandardCharsets.UTF_8)), found);
        }
        String path = url.getRawPath();
        String redactedPath = pathOf(redacted);
        if (path != null && path.length() > 1 && redactedPath != null) {
            String[] segments = path.substring(1).split("/", -1);
            String[] hidden = redactedPath.length() > 1 ? redactedPath.substring(1).split("/", -1) : new String[0];
            for (int i = 0; i < segments.length; i++) {
                if (i >= hidden.length || !hidden[i].equals(segments[i])) {
                    add(segments[i], found);
                }
            }
        }
        String query = url.getRawQuery();
        if (query != null && !query.isEmpty()) {
            add(query, found);
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                add(equals >= 0 ? pair.substring(equals + 1) : pair, found);
            }
        }
    }

    /** The path part of a redacted URL string ("scheme://host[:port]/a/***?***"), or null without one. */
    private static String pathOf(String redacted) {
        int authority = redacted.indexOf("://");
        int slash = redacted.indexOf('/', authority < 0 ? 0 : authority + 3);
        if (slash < 0) {
            return "/";
        }
        int query = redacted.indexOf('?', slash);
        return query < 0 ? redacted.substring(slash) : redacted.substring(slash, query);
    }

    private static void add(String value, Set<String> found) {
        if (value == null || value.length() < SHORTEST) {
            return;
        }
        found.add(value);
        String decoded = decode(value);
        if (decoded.length() >= SHORTEST) {
            found.add(decoded);
        }
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return value;
        }
    }
}
