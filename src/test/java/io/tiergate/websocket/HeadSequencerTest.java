package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class HeadSequencerTest {

    private final List<Long> fetched = new ArrayList<>();
    private final HeadSequencer sequencer = new HeadSequencer(n -> {
        fetched.add(n);
        return Mono.just(header(n, "fetched"));
    }, 5);

    @Test
    void consecutiveHeadsPassThroughWithoutFetching() {
        assertThat(deliver(10, 11, 12)).containsExactly("10 upstream", "11 upstream", "12 upstream");
        assertThat(fetched).isEmpty();
    }

    @Test
    void headsAtOrBelowTheLastDeliveredAreDropped() {
        assertThat(deliver(10, 11, 9, 10, 11, 12)).containsExactly("10 upstream", "11 upstream", "12 upstream");
    }

    @Test
    void aGapIsFilledInOrderBeforeTheNewerHead() {
        assertThat(deliver(10, 13)).containsExactly("10 upstream", "11 fetched", "12 fetched", "13 upstream");
        assertThat(fetched).containsExactly(11L, 12L);
    }

    @Test
    void aGapLargerThanTheLimitFetchesOnlyTheNewestBlocks() {
        assertThat(deliver(10, 30)).containsExactly("10 upstream", "25 fetched", "26 fetched", "27 fetched",
                "28 fetched", "29 fetched", "30 upstream");
    }

    @Test
    void aBlockNoProviderCanFetchIsLeftOut() {
        HeadSequencer missing = new HeadSequencer(n -> n == 11 ? Mono.empty() : Mono.just(header(n, "fetched")), 5);
        List<String> out = new ArrayList<>();
        for (long n : new long[] {10, 13}) {
            missing.accept(header(n, "upstream")).map(HeadSequencerTest::text).toStream().forEach(out::add);
        }
        assertThat(out).containsExactly("10 upstream", "12 fetched", "13 upstream");
    }

    private List<String> deliver(long... numbers) {
        List<String> out = new ArrayList<>();
        for (long n : numbers) {
            sequencer.accept(header(n, "upstream")).map(HeadSequencerTest::text).toStream().forEach(out::add);
        }
        return out;
    }

    private static HeadSequencer.Header header(long n, String source) {
        return new HeadSequencer.Header(n, (n + " " + source).getBytes(StandardCharsets.UTF_8));
    }

    private static String text(HeadSequencer.Header h) {
        return new String(h.json(), StandardCharsets.UTF_8);
    }
}
