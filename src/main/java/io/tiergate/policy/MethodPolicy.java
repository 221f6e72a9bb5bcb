package io.tiergate.policy;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which methods clients may call on a network. Node-management namespaces are denied by default;
 * a network's {@code deny-methods} add to that list and its {@code allow-methods} make exceptions
 * (deny {@code *} and allow a few to run an allow-list). Patterns are globs: {@code *} and {@code ?}.
 *
 * <p>The method is the decoded JSON string (escapes such as {@code \u0061} are already resolved by the parser).
 * Deny patterns match it ignoring letter case, whitespace, control and invisible characters, and compatibility
 * forms (full-width letters, long s, dotless i): a node or a proxy in front of it that looks methods up
 * leniently must not be handed {@code ADMIN_peers} or {@code " admin_peers"} as an unchecked method. Allow
 * exceptions match only the exact name, so a disguised name never rides on an exception.
 */
public final class MethodPolicy {

    /** Methods that manage a node, its accounts or its keys: never for a gateway's clients by default. */
    public static final List<String> DEFAULT_DENIED = List.of(
            "admin_*", "personal_*", "miner_*", "clique_*", "engine_*", "les_*",
            "debug_setHead", "debug_set*", "debug_start*", "debug_stop*", "debug_write*",
            "debug_freeOSMemory", "debug_chaindbCompact", "debug_chaindbProperty", "debug_verbosity", "debug_vmodule",
            "parity_set*", "parity_add*", "parity_remove*", "parity_drop*", "parity_kill*",
            "anvil_*", "hardhat_*", "evm_*");

    private static final int CACHED_METHODS = 4096;

    private final Pattern denied;
    private final Pattern allowed;
    // Client input decides the keys, so the memo is bounded.
    private final LoadingCache<String, Boolean> decisions;

    public MethodPolicy(List<String> denyMethods, List<String> allowMethods) {
        List<String> deny = new ArrayList<>(DEFAULT_DENIED);
        deny.addAll(denyMethods);
        this.denied = compile(deny, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
        this.allowed = compile(allowMethods, Pattern.DOTALL);
        this.decisions = Caffeine.newBuilder().maximumSize(CACHED_METHODS).build(this::decide);
    }

    public boolean isAllowed(String method) {
        return decisions.get(method);
    }

    private Boolean decide(String method) {
        boolean deny = denied.matcher(method).matches() || denied.matcher(canonical(method)).matches();
        return !deny || allowed.matcher(method).matches();
    }

    /**
     * The name a lenient server might take {@code method} for: compatibility forms folded (NFKC), whitespace,
     * control and format (zero-width, BOM) characters dropped, letters case-folded through upper case (so that
     * dotless i and similar letters meet their ASCII forms).
     */
    static String canonical(String method) {
        String folded = Normalizer.normalize(method, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(folded.length());
        folded.codePoints().filter(cp -> !invisible(cp)).forEach(out::appendCodePoint);
        return out.toString().toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    private static boolean invisible(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                || Character.getType(cp) == Character.FORMAT || Character.isIdentifierIgnorable(cp);
    }

    static Pattern compile(List<String> globs, int flags) {
        if (globs.isEmpty()) {
            return Pattern.compile("(?!)");
        }
        return Pattern.compile(globs.stream().map(MethodPolicy::globToRegex).collect(Collectors.joining("|")), flags);
    }

    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder("(?:");
        for (char c : glob.trim().toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.append(')').toString();
    }
}
