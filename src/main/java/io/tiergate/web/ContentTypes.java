package io.tiergate.web;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Content types a JSON-RPC body may arrive with. Lenient on purpose: curl's default form type and
 * text/plain are common from scripts; types that clearly carry something else are refused.
 */
final class ContentTypes {

    private ContentTypes() {
    }

    /** A Content-Type header that does not even parse counts as not acceptable (415), never as a failure. */
    static boolean acceptable(ServerRequest request) {
        try {
            return acceptable(request.headers().contentType().orElse(null));
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
