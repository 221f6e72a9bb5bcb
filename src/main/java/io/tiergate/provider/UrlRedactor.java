package io.tiergate.provider;

import java.net.URI;

/**
 * Shows where a provider is without its secrets: no user info, no query values, and path segments
 * long enough to be a key replaced by {@code ***} (Infura, Alchemy and QuickNode keep keys there).
 */
public final class UrlRedactor {

    private static final int LONGEST_PLAIN_SEGMENT = 8;

    private UrlRedactor() {
    }

    public static String redact(URI url, String apiKey) {
        StringBuilder out = new StringBuilder();
        out.append(url.getScheme()).append("://");
        if (url.getRawUserInfo() != null) {
            out.append("***@");
        }
        out.append(url.getHost());
        if (url.getPort() >= 0) {
            out.append(':').append(url.getPort());
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
            out.append("?***");
        }
        String redacted = out.toString();
        return apiKey == null || apiKey.isEmpty() ? redacted : redacted.replace(apiKey, "***");
    }
}
