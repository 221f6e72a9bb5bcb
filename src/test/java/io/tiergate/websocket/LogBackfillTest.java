package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class LogBackfillTest {

    private long head = 100;
    private List<byte[]> onChain = List.of();
    private final List<String> ranges = new ArrayList<>();

    private final LogBackfill.Fetch fetch = new LogBackfill.Fetch() {
        @Override
        public Mono<Long> head() {
            return Mono.just(head);
        }

        @Override
        public Mono<List<byte[]>> logs(long from, long to) {
            ranges.add(from + "-" + to);
            return Mono.just(onChain);
        }
    };

    @Test
    void aLogIsDeliveredOnceByBlockHashAndLogIndexButItsRemovalPasses() {
        LogBackfill backfill = new LogBackfill(fetch, 128);
        assertThat(deliver(backfill.accept(log(101, 0)), backfill.accept(log(101, 1)), backfill.accept(log(101, 0)),
                backfill.accept(removed(101, 0)))).containsExactly("101/0", "101/1", "101/0 removed");
    }

    @Test
    void afterASwitchTheBlocksFromTheLastDeliveredLogAreReadAndOnlyUnseenLogsDelivered() {
        LogBackfill backfill = new LogBackfill(fetch, 128);
        deliver(backfill.live(), backfill.accept(log(101, 0)));
        head = 105;
        onChain = List.of(log(101, 0), log(103, 0), log(104, 2));
        assertThat(deliver(backfill.switched())).containsExactly("103/0", "104/2");
        assertThat(ranges).containsExactly("101-105");
        // The new subscription repeating what the backfill delivered is dropped.
        assertThat(deliver(backfill.accept(log(104, 2)), backfill.accept(log(106, 0)))).containsExactly("106/0");
    }

    @Test
    void withoutAnyLogYetTheBackfillStartsAtTheHeadWhenTheSubscriptionWentLive() {
        LogBackfill backfill = new LogBackfill(fetch, 128);
        deliver(backfill.live());
        head = 104;
        deliver(backfill.switched());
        assertThat(ranges).containsExactly("100-104");
        // The next switch starts where this backfill ended.
        head = 110;
        deliver(backfill.switched());
        assertThat(ranges).containsExactly("100-104", "104-110");
    }

    @Test
    void atMostMaxBlocksOfTheNewestBlocksAreRead() {
        LogBackfill backfill = new LogBackfill(fetch, 5);
        deliver(backfill.live());
        head = 1000;
        deliver(backfill.switched());
        assertThat(ranges).containsExactly("996-1000");
    }

    @Test
    void nothingIsReadWhenNoBlockIsKnownOrTheLimitIsZero() {
        LogBackfill unknown = new LogBackfill(fetch, 128);
        assertThat(deliver(unknown.switched())).isEmpty();
        LogBackfill off = new LogBackfill(fetch, 0);
        deliver(off.live());
        head = 110;
        assertThat(deliver(off.switched())).isEmpty();
        assertThat(ranges).isEmpty();
    }

    @SafeVarargs
    private static List<String> deliver(Flux<byte[]>... steps) {
        List<String> out = new ArrayList<>();
        for (Flux<byte[]> step : steps) {
            step.map(json -> new String(json, StandardCharsets.UTF_8)).toStream().forEach(json -> {
                long block = Long.parseLong(json.replaceAll(".*\"blockNumber\":\"0x([0-9a-f]+)\".*", "$1"), 16);
                long index = Long.parseLong(json.replaceAll(".*\"logIndex\":\"0x([0-9a-f]+)\".*", "$1"), 16);
                out.add(block + "/" + index + (json.contains("\"removed\":true") ? " removed" : ""));
            });
        }
        return out;
    }

    private static byte[] log(long block, int index) {
        return json(block, index, false);
    }

    private static byte[] removed(long block, int index) {
        return json(block, index, true);
    }

    private static byte[] json(long block, int index, boolean removed) {
        return ("{\"address\":\"0x00000000000000000000000000000000000000aa\",\"blockHash\":\"0x" + "%064x".formatted(block)
                + "\",\"blockNumber\":\"0x" + Long.toHexString(block) + "\",\"logIndex\":\"0x"
                + Integer.toHexString(index) + "\",\"removed\":" + removed + "}").getBytes(StandardCharsets.UTF_8);
    }
}
