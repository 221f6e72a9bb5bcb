package io.tiergate.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.Eventually;
import java.time.Duration;
import java.util.List;

/** What the subscription tests look at: block numbers a client received, and which provider holds a subscription. */
final class Subscriptions {

    static final Duration WAIT = Duration.ofSeconds(20);

    private Subscriptions() {
    }

    /** Adds the numbers of the next {@code count} newHeads notifications of subscription {@code id}. */
    static void receive(WsClient ws, String id, List<Long> blocks, int count) {
        for (int i = 0; i < count; i++) {
            blocks.add(WsClient.blockNumber(ws.notification(id, WAIT)));
        }
    }

    static void assertConsecutive(List<Long> blocks) {
        for (int i = 1; i < blocks.size(); i++) {
            assertThat(blocks.get(i)).as("block %d of %s", i, blocks).isEqualTo(blocks.get(i - 1) + 1);
        }
    }

    /** The provider holding the subscription of {@code kind} (upstream subscription gauge), once one does. */
    static String servingProvider(MeterRegistry meters, String kind) {
        Eventually.await("a provider holds the " + kind + " subscription", () -> holder(meters, kind) != null, WAIT);
        return holder(meters, kind);
    }

    /** The provider holding the subscription of {@code kind} now, or null. */
    static String holder(MeterRegistry meters, String kind) {
        for (Gauge g : meters.find("tiergate.websocket.upstream.subscriptions").tag("kind", kind).gauges()) {
            if (g.value() == 1) {
                return g.getId().getTag("provider");
            }
        }
        return null;
    }
}
