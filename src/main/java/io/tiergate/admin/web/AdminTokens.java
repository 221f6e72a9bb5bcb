package io.tiergate.admin.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured admin tokens, kept only as SHA-256 digests. A presented token is compared with every one of
 * them in constant time (equal-length digests, {@link MessageDigest#isEqual}, no early exit), so neither the
 * content nor the length of a configured token leaks through timing.
 */
public final class AdminTokens {

    private record Entry(String name, byte[] digest) {
    }

    private final List<Entry> entries;

    private AdminTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Tokens by name; blank tokens are left out (an unset {@code TIERGATE_ADMIN_TOKEN} means none). */
    public static AdminTokens of(Map<String, String> tokensByName) {
        List<Entry> entries = new ArrayList<>();
        tokensByName.forEach((name, token) -> {
            if (token != null && !token.isBlank()) {
                entries.add(new Entry(name, sha256(token.trim())));
            }
        });
        return new AdminTokens(entries);
    }

    /** No token configured: the admin API is disabled. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public List<String> names() {
        return entries.stream().map(Entry::name).sorted().toList();
    }

    /** The name of the token equal to {@code presented}, if any. */
    public Optional<String> nameOf(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        String match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(digest, entry.digest()) && match == null) {
                match = entry.name();
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
