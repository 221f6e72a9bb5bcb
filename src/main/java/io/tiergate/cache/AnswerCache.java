package io.tiergate.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tiergate.jsonrpc.RawJson;
import java.util.Arrays;

/**
 * One network's cache of immutable answers (see {@link ImmutableAnswers}), bounded in bytes: an answer is
 * stored only once its block is at least {@code confirmations} below the network's best head, so a reorg
 * cannot change it. Results are kept as the provider's raw bytes; the client's id is written around them.
 */
public final class AnswerCache {

    /** Bookkeeping Caffeine spends per entry, beyond the bytes of key and result. */
    private static final int ENTRY_OVERHEAD = 96;

    private final Cache<RequestKey, byte[]> cache;
    private final int confirmations;

    public AnswerCache(long maxBytes, int confirmations) {
        this.confirmations = confirmations;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((RequestKey key, byte[] result) -> key.weight() + result.length + ENTRY_OVERHEAD)
                .recordStats()
                .build();
    }

    /** Whether answers of {@code method} can ever be cached; only those are looked up (and count as misses). */
    public static boolean mayCache(String method) {
        return ImmutableAnswers.mayCache(method);
    }

    /** The cached result, or null. */
    public RawJson get(RequestKey key) {
        byte[] result = cache.getIfPresent(key);
        return result == null ? null : new RawJson(result, 0, result.length);
    }

    /**
     * Stores {@code result} when it is immutable and its block is deep enough below {@code bestHead}
     * (-1 when unknown: then nothing is stored). Returns whether it was stored.
     */
    public boolean offer(RequestKey key, RawJson params, RawJson result, long bestHead) {
        if (bestHead < 0) {
            return false;
        }
        long block = ImmutableAnswers.block(key.method(), params, result);
        if (block < 0 || block > bestHead - confirmations) {
            return false;
        }
        // A copy: the slice's array is the provider's whole body.
        cache.put(key.owned(), Arrays.copyOfRange(result.source(), result.start(), result.end()));
        return true;
    }

    /** For metrics: hits, misses, evictions, size. */
    public Cache<RequestKey, byte[]> caffeine() {
        return cache;
    }

    /** Bytes held now, as the weigher counts them. */
    public long weightedSize() {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}
