package io.tiergate.provider;

import lombok.extern.slf4j.Slf4j;

/** One log line per provider state transition, at a level that says how much it matters. */
@Slf4j
final class TransitionLog {

    private TransitionLog() {
    }

    static void log(RegistryEvent event) {
        if (!(event instanceof RegistryEvent.StateChanged changed)) {
            return;
        }
        ProviderStateChange t = changed.change();
        ProviderDefinition d = t.provider().definition();
        String line = "Provider {} ({} tier, network {}): {} -> {} ({})";
        switch (t.to()) {
            case MISCONFIGURED -> log.error(line, d.name(), d.tier(), d.network(), t.from(), t.to(), t.reason());
            case DOWN, LAGGING, SYNCING, RATE_LIMITED ->
                    log.warn(line, d.name(), d.tier(), d.network(), t.from(), t.to(), t.reason());
            default -> log.info(line, d.name(), d.tier(), d.network(), t.from(), t.to(), t.reason());
        }
    }
}
