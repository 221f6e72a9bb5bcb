package io.tiergate.provider;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Shows where a provider is without its secrets: no user info, no query values, and path segments
 * long enough to be a key replaced by {@code ***} (Infura, Alchemy and QuickNode keep keys there).
 */
public final class UrlRedactor {

    private static final int LONGEST_PLAIN_SEGMENT = 8;
    /** A host name java.net.URI refuses (underscores), with an optional numeric port. */
    private static final Pattern REGISTRY_HOST = Pattern.compile("[A-Za-z0-9_.-]+(:\\d+)?");

    private UrlRedactor() {
    }

    /**
     * The host, also for names java.net.URI will not call a host (with an underscore, as docker-compose
     * service names often have), which it then leaves in the authority only. Empty when there is none.
     */
    public static String host(URI url) {
        if (url.getHost() != null) {
            return url.getHost();
        }
        String authority = url.getRawAuthority();
        if (authority == null) {
            return "";
        }
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        return REGISTRY_HOST.matcher(authority).matches() ? authority.replaceFirst(":\\d+$", "") : "";
    }

    private static int port(URI url) {
        if (url.getHost() != null || url.getRawAuthority() == null) {
            return url.getPort();
        }
        String authority = url.getRawAuthority();
        int colon = authority.lastIndexOf(':');
        try {
            return colon > authority.lastIndexOf('@') ? Integer.parseInt(authority.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static String redact(URI url, String apiKey) {
        StringBuilder out = new StringBuilder();
        out.append(url.getScheme()).append("://");
        if (url.getRawUserInfo() != null || (url.getRawAuthority() != null && url.getRawAuthority().contains("@"))) {
            out.append("***@");
        }
        out.append(host(url));
        int port = port(url);
        if (port >= 0) {
            out.append(':').append(port);
        }
        String path = url.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            for (String segment : path.substring(1).split("/", -1)) {
                out.append('/');
                boolean secret = segment.length() > LONGEST_PLAIN_SEGMENT
                        || (apiKey != null && !apiKey.isEmpty() && segment.contains(apiKey));
                out.append(secret ? "***" : segment);
            }
        }
        if (url.getRawQuery() != null) {
            out.append("/".equals(path) ? "/?***" : "?***");
        }
        String redacted = out.toString();
        return apiKey == null || apiKey.isEmpty() ? redacted : redacted.replace(apiKey, "***");
    }
}
