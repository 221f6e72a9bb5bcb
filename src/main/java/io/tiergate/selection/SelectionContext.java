package io.tiergate.selection;

import io.tiergate.provider.Availability;
import io.tiergate.provider.Provider;
import java.util.function.Predicate;

/** What the selector needs to know of the request it selects for. */
public interface SelectionContext {

    /** Already tried (or refused) within this request. */
    boolean excluded(Provider provider);

    /** Told of each provider passed over (possibly again on a later selection), so the client's error can say why. */
    void skipped(Provider provider, Availability why);

    /** The highest block the request names explicitly, or -1: providers whose head is below it come last. */
    long requiredBlock();

    /** A request gets at most one last-resort attempt. */
    boolean lastResortAvailable();

    /**
     * False when the provider serves none of the methods still waiting for an answer (its methods allow/deny,
     * or a recent "method not found"): it is passed over, whatever its health. The context counts the skip.
     */
    boolean serves(Provider provider);

    /**
     * A choice made outside a client's request (a subscription's provider): only {@code excluded} providers are
     * passed over; every method is served, no block is required, there is no last resort and no skip is counted.
     */
    static SelectionContext excluding(Predicate<Provider> excluded) {
        return new SelectionContext() {
            @Override
            public boolean excluded(Provider provider) {
                return excluded.test(provider);
            }

            @Override
            public void skipped(Provider provider, Availability why) {
                // nobody to tell
            }

            @Override
            public long requiredBlock() {
                return -1;
            }

            @Override
            public boolean lastResortAvailable() {
                return false;
            }

            @Override
            public boolean serves(Provider provider) {
                return true;
            }
        };
    }
}
