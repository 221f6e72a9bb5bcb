package io.tiergate.upstream;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials written into a provider's URL ({@code https://user:password@host/...}, {@code wss://...}): every
 * connection to the provider, HTTP or WebSocket, sends them as an Authorization header, never in the URL.
 */
public final class UrlUserInfo {

    private UrlUserInfo() {
    }

    /**
     * The URL to send to, without {@code user:password@}: reactor-netty would take the user info for part of
     * the host name and look that name up in DNS, sending the password to the resolver in clear text (and
     * never reaching the provider). The user info goes in an Authorization header instead.
     */
    public static String withoutUserInfo(URI url) {
        String authority = url.getRawAuthority();
        if (authority == null || !authority.contains("@")) {
            return url.toString();
        }
        StringBuilder out = new StringBuilder(url.getScheme()).append("://")
                .append(authority.substring(authority.lastIndexOf('@') + 1));
        if (url.getRawPath() != null) {
            out.append(url.getRawPath());
        }
        if (url.getRawQuery() != null) {
            out.append('?').append(url.getRawQuery());
        }
        return out.toString();
    }

    /** {@code Basic <base64(user:password)>} from the URL's user info (percent-decoded), or null without one. */
    public static String basicAuthorization(URI url) {
        String authority = url.getRawAuthority();
        if (authority == null || !authority.contains("@")) {
            return null;
        }
        String userInfo = URLDecoder.decode(authority.substring(0, authority.lastIndexOf('@')).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
