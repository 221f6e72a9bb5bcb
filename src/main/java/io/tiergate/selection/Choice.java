package io.tiergate.selection;

import io.tiergate.provider.Provider;

/** The provider to try next; {@code lastResort} when nothing was usable and it is tried anyway. */
public record Choice(Provider provider, boolean lastResort) {
}
