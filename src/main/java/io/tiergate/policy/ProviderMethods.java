package io.tiergate.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The methods one provider serves: its configured {@code methods.allow} / {@code methods.deny} globs, minus
 * the methods it recently answered "method not found" for. That memory lasts {@code method-not-found-ttl} on
 * the injected clock, so a node that gains a namespace (an upgrade, a plan change) gets it again.
 */
public final class ProviderMethods {

    /** Why a provider does not serve a method. */
    public enum Refusal {
        /** Its {@code methods.allow} / {@code methods.deny} leave the method out. */
        CONFIGURED,
        /** It answered "method not found" for it within {@code method-not-found-ttl}. */
        LEARNED
    }

    // Client input decides the keys of both memos, so both are bounded.
    private static final int REMEMBERED_METHODS = 4096;

    private final Pattern allow;
    private final Pattern deny;
    private final LoadingCache<String, Boolean> configured;
    private final Cache<String, Boolean> notFound;

    /** {@code ttl} zero: "method not found" answers are never remembered. */
    public ProviderMethods(MethodLists methods, Duration ttl, Clock clock) {
        this.allow = methods.allow().isEmpty() ? null : MethodPolicy.compile(methods.allow(), Pattern.DOTALL);
        this.deny = methods.deny().isEmpty() ? null : MethodPolicy.compile(methods.deny(), Pattern.DOTALL);
        this.configured = allow == null && deny == null ? null
                : Caffeine.newBuilder().maximumSize(REMEMBERED_METHODS).build(this::decide);
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.notFound = ttl.isZero() ? null
                : Caffeine.newBuilder().maximumSize(REMEMBERED_METHODS).expireAfterWrite(ttl).ticker(ticker).build();
    }

    /** Null when the provider serves the method, else why not. */
    public Refusal refusal(String method) {
        if (configured != null && !configured.get(method)) {
            return Refusal.CONFIGURED;
        }
        // The common case, nothing remembered, costs no lookup on the request path.
        if (notFound != null && notFound.estimatedSize() > 0 && notFound.getIfPresent(method) != null) {
            return Refusal.LEARNED;
        }
        return null;
    }

    public boolean serves(String method) {
        return refusal(method) == null;
    }

    /** Whether the configuration lets the method through, whatever was learned. */
    public boolean allowedByConfiguration(String method) {
        return configured == null || configured.get(method);
    }

    /** The provider answered "method not found" for {@code method}: skip it for that method for a while. */
    public void methodNotFound(String method) {
        if (notFound != null) {
            notFound.put(method, Boolean.TRUE);
        }
    }

    private Boolean decide(String method) {
        return (allow == null || allow.matcher(method).matches()) && (deny == null || !deny.matcher(method).matches());
    }
}
