package io.tiergate.routing;

import java.util.List;
import java.util.Locale;

/**
 * What a client asked of tiergate's shortcuts for one HTTP request. {@code Cache-Control: no-cache} (or
 * {@code Pragma: no-cache}) skips the answer cache for the lookup; {@code no-store} also keeps the fresh
 * answer out of it.
 */
public record RouteOptions(boolean readCache, boolean writeCache) {

    public static final RouteOptions DEFAULT = new RouteOptions(true, true);

    /** From the values of the request's Cache-Control and Pragma headers (either may be empty). */
    public static RouteOptions fromHeaders(List<String> cacheControl, List<String> pragma) {
        boolean noCache = false;
        boolean noStore = false;
        for (String value : cacheControl) {
            for (String directive : value.split(",")) {
                String d = directive.trim().toLowerCase(Locale.ROOT);
                noCache |= d.equals("no-cache") || d.startsWith("no-cache=");
                noStore |= d.equals("no-store");
            }
        }
        for (String value : pragma) {
            noCache |= value.trim().equalsIgnoreCase("no-cache");
        }
        if (!noCache && !noStore) {
            return DEFAULT;
        }
        return new RouteOptions(false, !noStore);
    }
}
