package io.tiergate.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Content types a JSON-RPC body may arrive with. Lenient on purpose: curl's default form type and
 * text/plain are common from scripts; types that clearly carry something else are refused.
 */
final class ContentTypes {

    private ContentTypes() {
    }

    /** A Content-Type header that does not even parse counts as not acceptable (415), never as a failure. */
    static boolean acceptable(HttpHeaders headers) {
        String raw = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        if (raw == null || raw.isEmpty() || raw.equalsIgnoreCase("application/json")) {
            // Nearly every client sends exactly this: no need to parse it.
            return true;
        }
        try {
            return acceptable(MediaType.parseMediaType(raw));
        } catch (InvalidMediaTypeException malformed) {
            return false;
        }
    }

    static boolean acceptable(MediaType type) {
        if (type == null) {
            return true;
        }
        String subtype = type.getSubtype().toLowerCase();
        return subtype.contains("json")
                || type.isCompatibleWith(MediaType.TEXT_PLAIN)
                || type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)
                || type.isCompatibleWith(MediaType.APPLICATION_OCTET_STREAM)
                || type.isWildcardType();
    }
}
