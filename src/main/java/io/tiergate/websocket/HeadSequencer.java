package io.tiergate.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import lombok.extern.slf4j.Slf4j;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps a newHeads stream gap-free and in order across upstream switches: a block at or below the last one
 * delivered is dropped (the new provider repeating what the old one sent), and blocks skipped between the
 * last one and a newer head are fetched and delivered first. Number order is the guarantee; a reorg that
 * replaces a block at the same height is therefore not sent again (clients that care compare parentHash).
 * Not thread-safe: one stream feeds it one header at a time (concatMap).
 */
@Slf4j
final class HeadSequencer {

    private final LongFunction<Mono<Header>> fetch;
    private final int maxGapFill;
    private long last = -1;

    /** A block header: its number and its JSON as sent to clients. */
    record Header(long number, byte[] json) {
    }

    /** {@code fetch}: the header of a block by number, empty if no provider has it. */
    HeadSequencer(LongFunction<Mono<Header>> fetch, int maxGapFill) {
        this.fetch = fetch;
        this.maxGapFill = maxGapFill;
    }

    /** The headers to deliver, in order, for one header that arrived from upstream. */
    Flux<Header> accept(Header head) {
        if (last >= 0 && head.number() <= last) {
            log.debug("newHeads: block {} dropped, {} already delivered", head.number(), last);
            return Flux.empty();
        }
        if (last < 0 || head.number() == last + 1) {
            last = head.number();
            return Flux.just(head);
        }
        long from = Math.max(last + 1, head.number() - maxGapFill);
        log.debug("newHeads: block {} arrived after {}; fetching blocks {} to {}", head.number(), last, from,
                head.number() - 1);
        List<Long> missing = new ArrayList<>();
        for (long n = from; n < head.number(); n++) {
            missing.add(n);
        }
        last = head.number();
        return Flux.fromIterable(missing).concatMap(fetch::apply).concatWith(Mono.just(head));
    }

    long lastDelivered() {
        return last;
    }
}
