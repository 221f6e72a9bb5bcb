package io.tiergate.coalescing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class CoalescerTest {

    private final Coalescer<String, String> coalescer = new Coalescer<>();
    private final AtomicInteger calls = new AtomicInteger();

    @Test
    void callersArrivingWhileACallRunsShareIt() {
        Sinks.One<String> upstream = Sinks.one();
        Coalescer.Shared<String> first = coalescer.join("eth_call[1]", () -> {
            calls.incrementAndGet();
            return upstream.asMono();
        });
        Coalescer.Shared<String> second = coalescer.join("eth_call[1]", () -> {
            calls.incrementAndGet();
            return Mono.just("never");
        });
        StringBuilder answers = new StringBuilder();
        first.call().subscribe(answers::append);
        second.call().subscribe(answers::append);

        upstream.tryEmitValue("0x1");

        assertThat(first.leader()).isTrue();
        assertThat(second.leader()).isFalse();
        assertThat(calls).hasValue(1);
        assertThat(answers).hasToString("0x10x1");
        assertThat(coalescer.inFlight()).as("forgotten once answered").isZero();
    }

    @Test
    void aCallerAfterTheCallEndedStartsAFreshOne() {
        coalescer.join("k", () -> Mono.fromSupplier(() -> "a" + calls.incrementAndGet())).call().block();
        Coalescer.Shared<String> later = coalescer.join("k", () -> Mono.fromSupplier(() -> "b" + calls.incrementAndGet()));

        assertThat(later.leader()).isTrue();
        assertThat(later.call().block()).isEqualTo("b2");
    }

    @Test
    void differentKeysNeverShare() {
        Sinks.One<String> a = Sinks.one();
        Coalescer.Shared<String> one = coalescer.join("eth_getBalance[a]", a::asMono);
        Coalescer.Shared<String> two = coalescer.join("eth_getBalance[b]", () -> Mono.just("b"));
        one.call().subscribe();

        assertThat(two.leader()).isTrue();
        assertThat(two.call().block()).isEqualTo("b");
        assertThat(coalescer.inFlight()).isEqualTo(1);
    }

    @Test
    void aFailedCallFailsEveryoneWaitingAndIsForgotten() {
        Sinks.One<String> upstream = Sinks.one();
        Coalescer.Shared<String> first = coalescer.join("k", upstream::asMono);
        Coalescer.Shared<String> second = coalescer.join("k", () -> Mono.just("unused"));
        AtomicInteger failures = new AtomicInteger();
        first.call().subscribe(v -> { }, e -> failures.incrementAndGet());
        second.call().subscribe(v -> { }, e -> failures.incrementAndGet());

        upstream.tryEmitError(new IllegalStateException("boom"));

        assertThat(failures).hasValue(2);
        assertThat(coalescer.inFlight()).isZero();
    }
}
