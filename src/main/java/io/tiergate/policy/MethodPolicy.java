package io.tiergate.policy;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which methods clients may call on a network. Node-management namespaces are denied by default;
 * a network's {@code deny-methods} add to that list and its {@code allow-methods} make exceptions
 * (deny {@code *} and allow a few to run an allow-list). Patterns are globs: {@code *} and {@code ?}.
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
        this.denied = compile(deny);
        this.allowed = compile(allowMethods);
        this.decisions = Caffeine.newBuilder().maximumSize(CACHED_METHODS).build(this::decide);
    }

    public boolean isAllowed(String method) {
        return decisions.get(method);
    }

    private Boolean decide(String method) {
        return !denied.matcher(method).matches() || allowed.matcher(method).matches();
    }

    private static Pattern compile(List<String> globs) {
        if (globs.isEmpty()) {
            return Pattern.compile("(?!)");
        }
        return Pattern.compile(globs.stream().map(MethodPolicy::globToRegex).collect(Collectors.joining("|")));
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
