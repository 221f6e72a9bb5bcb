package io.tiergate.admin;

/**
 * An {@link OverrideStore} could not apply a change because other writers kept changing the same override at
 * the same time: the caller should try again. The store's own failure, not an HTTP answer: the admin API
 * turns it into 409.
 */
public class ConcurrentChangesException extends RuntimeException {

    public ConcurrentChangesException(String message) {
        super(message, null, false, false);
    }
}
