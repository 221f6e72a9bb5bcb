package io.tiergate.provider;

import java.util.List;

/** A tier as configured: its place in the priority order and its providers. */
public record TierDefinition(String name, int priority, List<ProviderDefinition> providers) {
}
