package io.tiergate.routing;

import io.tiergate.jsonrpc.JsonRequest;
import io.tiergate.jsonrpc.JsonRpcError;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.metrics.BroadcastMetrics;
import io.tiergate.provider.ProviderMeters.BroadcastAnswer;
import io.tiergate.provider.Availability;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lombok.extern.slf4j.Slf4j;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The legs of one broadcast as they end; decides the client's answer once. */
@Slf4j
final class BroadcastFanout {

    private final Network network;
    private final BroadcastMetrics metrics;
    private final JsonRequest request;
    private final String hash;
    private final long start = System.nanoTime();
    private final Sinks.One<RoutingResult> decision = Sinks.one();
    final List<Provider> tried = new ArrayList<>();
    final Map<Provider, String> notes = new LinkedHashMap<>();
    private final List<BroadcastLeg> ended = new ArrayList<>();
    private int expected;
    private boolean decided;

    BroadcastFanout(Network network, BroadcastMetrics metrics, JsonRequest request, String hash) {
        this.network = network;
        this.metrics = metrics;
        this.request = request;
        this.hash = hash;
    }

    void skipped(Provider provider, Availability why) {
        notes.put(provider, why.reason());
        provider.meters().skipped(why);
    }

    void expect(int legs) {
        expected = legs;
    }

    /** Legs started (0 when none could start). */
    int legs() {
        return expected;
    }

    /** The client's answer; empty when the failover loop should take over. */
    Mono<RoutingResult> decision() {
        return decision.asMono();
    }

    void record(BroadcastLeg leg) {
        RoutingResult emit = null;
        boolean fallback = false;
        synchronized (this) {
            ended.add(leg);
            leg.provider().meters().broadcastAnswer(leg.kind());
            log.debug("Broadcast of {} on network {}: {} ({} tier) {} after {} ms", hash, network.name(),
                    leg.provider().name(), leg.provider().tier(), leg.reason(), leg.nanos() / 1_000_000);
            if (leg.kind() == BroadcastAnswer.ACCEPTED && !decided) {
                decided = true;
                metrics.firstAcceptance(System.nanoTime() - start);
                emit = result(leg.answer(), null, leg.provider());
            }
            if (ended.size() == expected) {
                metrics.ended(outcome());
                if (!decided) {
                    decided = true;
                    emit = conclusion();
                    fallback = emit == null;
                }
            }
        }
        // Outside the lock: the client's answer is written from here.
        if (emit != null) {
            decision.tryEmitValue(emit);
        } else if (fallback) {
            decision.tryEmitEmpty();
        }
    }

    private BroadcastMetrics.Outcome outcome() {
        boolean rejected = false;
        for (BroadcastLeg leg : ended) {
            if (leg.kind() == BroadcastAnswer.ACCEPTED) {
                return BroadcastMetrics.Outcome.ACCEPTED;
            }
            rejected |= leg.kind() == BroadcastAnswer.REJECTED;
        }
        return rejected ? BroadcastMetrics.Outcome.REJECTED : BroadcastMetrics.Outcome.FAILED;
    }

    /** Nobody accepted: a rejection stands; else it may have arrived somewhere (-32052); else null. */
    private RoutingResult conclusion() {
        for (BroadcastLeg leg : ended) {
            if (leg.kind() == BroadcastAnswer.REJECTED) {
                return result(leg.answer(), null, leg.provider());
            }
        }
        List<BroadcastLeg> maybeSent = new ArrayList<>();
        for (BroadcastLeg leg : ended) {
            notes.put(leg.provider(), leg.reason());
            if (!leg.neverSent()) {
                maybeSent.add(leg);
            }
        }
        if (maybeSent.isEmpty()) {
            return null;
        }
        StringBuilder where = new StringBuilder();
        for (BroadcastLeg leg : maybeSent) {
            where.append(where.length() == 0 ? "" : ", ").append(leg.provider().name()).append(" (")
                    .append(leg.reason()).append(')');
        }
        return result(null, new GatewayError(JsonRpcError.TRANSACTION_NOT_RETRIED, "transaction may have reached "
                + where + "; not sent to another provider, to avoid sending it twice",
                AttemptNotes.summary(expected, notes), 502), maybeSent.get(0).provider());
    }

    private RoutingResult result(UpstreamAnswer answer, GatewayError error, Provider by) {
        return new RoutingResult(List.of(request), new UpstreamAnswer[] {answer}, new GatewayError[] {error},
                answer == null ? null : by, expected);
    }
}
