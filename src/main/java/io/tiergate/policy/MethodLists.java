package io.tiergate.policy;

import java.util.List;

/**
 * A provider's {@code methods.allow} / {@code methods.deny} globs, resolved: never null lists (empty allow: every
 * method).
 */
public record MethodLists(List<String> allow, List<String> deny) {

    /** No list: the provider serves every method. */
    public static final MethodLists EVERY_METHOD = new MethodLists(List.of(), List.of());
}
