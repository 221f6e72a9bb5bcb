package io.tiergate.rpc.read;

import io.tiergate.cache.AnswerCache;
import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.RawJson;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.routing.RoutingResult;
import reactor.core.publisher.Mono;

/**
 * The network's answer cache: immutable answers come from it (unless the client asked for no-cache), and the
 * answers the rest of the path finds for the reads it missed go into it (unless the client asked for no-store).
 */
final class CacheReader implements Reader {

    private final AnswerCache cache;
    private final Reader next;

    CacheReader(AnswerCache cache, Reader next) {
        this.cache = cache;
        this.next = next;
    }

    @Override
    public Mono<RoutingResult> read(ReadCall call) {
        // Positions looked up and not found: their answers are offered to the cache once they come.
        boolean[] missed = null;
        for (int i = 0; i < call.size(); i++) {
            JsonRequest r = call.request(i);
            if (r.isNotification() || call.answered(i) || !AnswerCache.mayCache(r.method())) {
                continue;
            }
            RawJson hit = call.options().readCache() ? cache.get(call.key(i)) : null;
            if (hit != null) {
                call.answer(i, new UpstreamAnswer(i + 1, hit, null, 0, null));
                continue;
            }
            if (missed == null) {
                missed = new boolean[call.size()];
            }
            missed[i] = true;
        }
        if (call.complete()) {
            return Mono.just(call.result());
        }
        if (missed == null || !call.options().writeCache()) {
            return next.read(call);
        }
        boolean[] toStore = missed;
        return next.read(call).doOnNext(result -> store(call, result, toStore));
    }

    private void store(ReadCall call, RoutingResult result, boolean[] toStore) {
        if (call.isJoined()) {
            return;
        }
        long bestHead = call.network().heads().bestHead();
        for (int i = 0; i < toStore.length; i++) {
            UpstreamAnswer answer = result.answers()[i];
            if (toStore[i] && answer != null && !answer.isError()) {
                cache.offer(call.key(i), call.request(i).params(), answer.result(), bestHead);
            }
        }
    }
}
