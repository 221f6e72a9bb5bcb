package io.tiergate.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Polls a condition until it holds (Awaitility underneath), for effects that come from another thread or a
 * background call. Never a fixed wait: it returns as soon as the condition holds, and the deadline only matters
 * when it does not. On a timeout the error says what was awaited and what was seen last.
 */
public final class Eventually {

    /** Generous: it bounds only a failing wait, and the machine may be busy. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(10);

    private Eventually() {
    }

    public static void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "(nothing recorded)", DEADLINE);
    }

    public static void await(String what, BooleanSupplier condition, Duration within) {
        await(what, condition, () -> "(nothing recorded)", within);
    }

    public static void await(String what, BooleanSupplier condition, Supplier<String> lastSeen) {
        await(what, condition, lastSeen, DEADLINE);
    }

    public static void await(String what, BooleanSupplier condition, Supplier<String> lastSeen, Duration within) {
        try {
            Awaitility.await(what).atMost(within).pollDelay(Duration.ZERO).pollInterval(POLL).pollInSameThread()
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + within.toMillis() + " ms waiting until " + what
                    + "; last seen: " + lastSeen.get(), e);
        }
    }
}
