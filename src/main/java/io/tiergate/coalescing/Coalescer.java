package io.tiergate.coalescing;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Identical reads in flight at the same moment share one upstream call: the first caller's call runs, and
 * callers arriving while it runs get its outcome. Once it ends, the next caller starts a fresh call, so no
 * answer outlives its call.
 *
 * @param <K> what makes two calls identical
 * @param <T> their outcome
 */
public final class Coalescer<K, T> {

    private final ConcurrentHashMap<K, Mono<T>> inFlight = new ConcurrentHashMap<>();

    /** A call to subscribe to; {@code leader} when it is the caller's own, false when it joined another's. */
    public record Shared<T>(Mono<T> call, boolean leader) {
    }

    /**
     * The call in flight for {@code key}, or {@code call} started as the one others join. The shared call
     * is not cancelled when a caller goes away: the others still wait for it, and it ends within the
     * request's deadline anyway.
     */
    public Shared<T> join(K key, Supplier<Mono<T>> call) {
        Mono<T> running = inFlight.get(key);
        if (running != null) {
            return new Shared<>(running, false);
        }
        Mono<T>[] own = newHolder();
        // Forgotten before its outcome is handed on: a caller that comes after the answer never gets it.
        own[0] = Mono.defer(call)
                .doOnSuccess(value -> inFlight.remove(key, own[0]))
                .doOnError(error -> inFlight.remove(key, own[0]))
                .doFinally(signal -> inFlight.remove(key, own[0]))
                .share();
        running = inFlight.putIfAbsent(key, own[0]);
        return running == null ? new Shared<>(own[0], true) : new Shared<>(running, false);
    }

    /** Calls in flight now (for tests and gauges). */
    public int inFlight() {
        return inFlight.size();
    }

    @SuppressWarnings("unchecked")
    private static <T> Mono<T>[] newHolder() {
        return (Mono<T>[]) new Mono<?>[1];
    }
}
