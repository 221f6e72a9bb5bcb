package io.tiergate.websocket;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import lombok.extern.slf4j.Slf4j;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps a logs subscription from missing matching logs across upstream switches: after a switch the logs of the
 * blocks from the last one delivered up to the head are read with eth_getLogs and delivered first, and every log
 * is delivered once, by (blockHash, logIndex, removed), whether it came from a subscription or from a backfill.
 * At most {@code maxBlocks} blocks (the newest) are read. Not thread-safe: one stream feeds it one item at a time
 * (concatMap).
 */
@Slf4j
final class LogBackfill {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Delivered logs are remembered a little further back than any backfill can reach. */
    private static final int REMEMBER_MARGIN = 16;

    /** Reads from the network (through the router, failover included). */
    interface Fetch {

        /** The newest block number; empty when no provider answered. */
        Mono<Long> head();

        /** The logs matching the subscription's filter in blocks {@code from} to {@code to}, in chain order. */
        Mono<List<byte[]>> logs(long from, long to);
    }

    private final Fetch fetch;
    private final int maxBlocks;
    /** Keys of delivered logs by block number. */
    private final TreeMap<Long, Set<String>> delivered = new TreeMap<>();
    /** The newest block whose matching logs were delivered (or that had none); -1 while unknown. */
    private long last = -1;

    LogBackfill(Fetch fetch, int maxBlocks) {
        this.fetch = fetch;
        this.maxBlocks = maxBlocks;
    }

    /** A log from the subscription: delivered unless it already was. */
    Flux<byte[]> accept(byte[] json) {
        JsonNode entry = read(json);
        long block = entry == null ? -1 : number(entry.path("blockNumber"));
        if (block < 0) {
            return Flux.just(json);
        }
        String key = entry.path("blockHash").asString("") + '/' + entry.path("logIndex").asString("")
                + (entry.path("removed").asBoolean(false) ? "/removed" : "");
        if (!delivered.computeIfAbsent(block, b -> new HashSet<>()).add(key)) {
            log.debug("logs: log {} of block {} dropped, already delivered", key, block);
            return Flux.empty();
        }
        last = Math.max(last, block);
        delivered.headMap(last - maxBlocks - REMEMBER_MARGIN).clear();
        return Flux.just(json);
    }

    /** The subscription is live on its first provider: blocks before the head were never owed to its clients. */
    Flux<byte[]> live() {
        return fetch.head().doOnNext(head -> last = Math.max(last, head)).thenMany(Flux.empty());
    }

    /** The subscription moved to another provider: the logs it may have missed, not delivered before. */
    Flux<byte[]> switched() {
        if (last < 0) {
            log.warn("logs: subscription moved before any block was known; logs of the switch are not re-read");
            return Flux.empty();
        }
        long since = last;
        return fetch.head().flatMapMany(head -> {
            long from = Math.max(since, head - maxBlocks + 1);
            if (from > head) {
                return Flux.empty();
            }
            log.debug("logs: subscription moved; reading logs of blocks {} to {}", from, head);
            return fetch.logs(from, head).flatMapMany(logs -> {
                last = Math.max(last, head);
                return Flux.fromIterable(logs);
            });
        }).concatMap(this::accept);
    }

    private static JsonNode read(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** A hex quantity ("0x1b4"), or -1. */
    static long number(JsonNode quantity) {
        String hex = quantity.asString("");
        if (!hex.startsWith("0x") || hex.length() < 3 || hex.length() > 17) {
            return -1;
        }
        try {
            return Long.parseLong(hex.substring(2), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
