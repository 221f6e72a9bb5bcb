package io.tiergate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderMethodsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private ProviderMethods methods(List<String> allow, List<String> deny, Duration ttl) {
        return new ProviderMethods(new MethodLists(allow, deny), ttl, clock);
    }

    @Test
    void withoutConfigurationEveryMethodIsServed() {
        ProviderMethods all = methods(List.of(), List.of(), Duration.ofMinutes(10));
        assertThat(all.serves("trace_block")).isTrue();
        assertThat(all.serves("eth_call")).isTrue();
        assertThat(all.refusal("debug_traceTransaction")).isNull();
    }

    @Test
    void allowIsTheOnlyMethodsAndDenyWinsOverIt() {
        ProviderMethods erigon = methods(List.of("trace_*", "debug_trace*", "eth_*"), List.of("eth_sendRawTransaction"),
                Duration.ofMinutes(10));
        assertThat(erigon.serves("trace_block")).isTrue();
        assertThat(erigon.serves("debug_traceTransaction")).isTrue();
        assertThat(erigon.serves("eth_getLogs")).isTrue();
        assertThat(erigon.refusal("net_version")).isEqualTo(ProviderMethods.Refusal.CONFIGURED);
        assertThat(erigon.refusal("eth_sendRawTransaction")).isEqualTo(ProviderMethods.Refusal.CONFIGURED);
    }

    @Test
    void denyAloneKeepsEverythingElse() {
        ProviderMethods geth = methods(List.of(), List.of("trace_*"), Duration.ofMinutes(10));
        assertThat(geth.serves("trace_transaction")).isFalse();
        assertThat(geth.serves("debug_traceTransaction")).isTrue();
        assertThat(geth.allowedByConfiguration("trace_transaction")).isFalse();
    }

    @Test
    void methodNotFoundIsRememberedForTheTtlOnTheClock() {
        ProviderMethods node = methods(List.of(), List.of(), Duration.ofMinutes(10));
        node.methodNotFound("trace_block");

        assertThat(node.refusal("trace_block")).isEqualTo(ProviderMethods.Refusal.LEARNED);
        assertThat(node.serves("trace_transaction")).as("only that method").isTrue();
        assertThat(node.allowedByConfiguration("trace_block")).isTrue();
        clock.advance(Duration.ofMinutes(9));
        assertThat(node.serves("trace_block")).isFalse();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(node.serves("trace_block")).as("asked again after the TTL").isTrue();
    }

    @Test
    void zeroTtlNeverRemembers() {
        ProviderMethods node = methods(List.of(), List.of(), Duration.ZERO);
        node.methodNotFound("trace_block");
        assertThat(node.serves("trace_block")).isTrue();
    }
}
