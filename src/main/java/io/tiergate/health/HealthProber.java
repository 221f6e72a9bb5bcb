package io.tiergate.health;

import io.tiergate.jsonrpc.BlockParams;
import io.tiergate.jsonrpc.MalformedResponseException;
import io.tiergate.jsonrpc.ResponseParser;
import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Network;
import io.tiergate.provider.NetworkRegistry;
import io.tiergate.provider.HealthState;
import io.tiergate.provider.Provider;
import io.tiergate.provider.RegistryEvent;
import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.upstream.ErrorClass;
import io.tiergate.upstream.Outcome;
import io.tiergate.upstream.UpstreamResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lombok.extern.slf4j.Slf4j;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Active health checks: every provider is asked eth_blockNumber and eth_syncing (and eth_chainId
 * until its chain is verified, or after it recovers) on its own schedule. A probe never goes out
 * while the provider rests after a rate limit, and spends quota only when there is some.
 */
@Slf4j
public final class HealthProber implements SmartLifecycle {

    private static final int HEAD_ID = 1;
    private static final int SYNCING_ID = 2;
    private static final int CHAIN_ID = 3;
    private static final byte[] PROBE = body(false);
    private static final byte[] PROBE_WITH_CHAIN = body(true);

    private final NetworkRegistry registry;
    private final Clock clock;
    private final Duration tick;
    private final ResponseParser parser = new ResponseParser();
    private final Map<Provider, ProbeSchedule> schedules = new ConcurrentHashMap<>();
    private volatile Disposable ticker;

    public HealthProber(NetworkRegistry registry, Clock clock, Duration tick) {
        this.registry = registry;
        this.clock = clock;
        this.tick = tick;
        registry.subscribe(event -> {
            if (event instanceof RegistryEvent.ProviderRemoved removed) {
                schedules.remove(removed.provider());
            }
        });
    }

    @Override
    public void start() {
        ticker = Flux.interval(Duration.ZERO, tick, Schedulers.parallel())
                .onBackpressureDrop()
                .subscribe(t -> probeDue(), e -> log.error("Health prober stopped", e));
    }

    @Override
    public void stop() {
        Disposable t = ticker;
        if (t != null) {
            t.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return ticker != null && !ticker.isDisposed();
    }

    /** The providers with a probe schedule: every provider of the registry, none that was removed. */
    public java.util.Set<Provider> scheduled() {
        return java.util.Collections.unmodifiableSet(schedules.keySet());
    }

    /** Probe this provider at the next tick (an operator's reinstate). */
    public void probeSoon(Provider provider) {
        schedule(provider).dueNow();
    }

    /** Starts every probe that is due now; each runs on its own, so a hanging node delays no other. */
    public void probeDue() {
        for (Network network : registry.networks()) {
            for (Provider provider : network.providers()) {
                try {
                    probeIfDue(network, provider);
                } catch (RuntimeException e) {
                    log.warn("Probe of {} could not start: {}", provider.name(), e.toString());
                }
            }
        }
    }

    private ProbeSchedule schedule(Provider provider) {
        return schedules.computeIfAbsent(provider,
                p -> new ProbeSchedule(p.definition().healthCheckInterval().toMillis(), clock));
    }

    private void probeIfDue(Network network, Provider provider) {
        ProbeSchedule schedule = schedule(provider);
        if (provider.backoff().isActive()) {
            schedule.postponeUntil(provider.backoff().untilMillis());
            return;
        }
        if (!schedule.tryStart()) {
            return;
        }
        boolean checkChain = network.definition().chainId() != null && needsChainCheck(provider);
        byte[] body = checkChain ? PROBE_WITH_CHAIN : PROBE;
        if (!provider.quota().tryConsume(checkChain ? 3 : 2)) {
            schedule.finished();
            return;
        }
        long start = System.nanoTime();
        provider.client().post(body, provider.definition().timeout())
                .doFinally(signal -> schedule.finished())
                .subscribe(response -> answered(network, provider, response, checkChain, System.nanoTime() - start),
                        error -> failed(network, provider, AnswerClassifier.ofError(error, ""),
                                System.nanoTime() - start));
    }

    /** The chain is checked at start-up and whenever the provider recovers. */
    private static boolean needsChainCheck(Provider provider) {
        HealthState state = provider.state();
        return !provider.health().chainVerified() || state == HealthState.DOWN || state == HealthState.MISCONFIGURED
                || state == HealthState.UNKNOWN;
    }

    private void answered(Network network, Provider provider, UpstreamResponse response, boolean checkChain,
            long nanos) {
        Outcome status = AnswerClassifier.ofStatus(response);
        if (status instanceof Outcome.RateLimited) {
            // The provider protects itself: it rests (and is not probed) instead of counting toward DOWN.
            provider.recordProbe(status, nanos);
            return;
        }
        if (!response.isSuccessStatus()) {
            failed(network, provider, fault("probe got HTTP " + response.status()), nanos);
            return;
        }
        List<UpstreamAnswer> answers;
        try {
            answers = parser.parse(response.body());
        } catch (MalformedResponseException e) {
            failed(network, provider, new Outcome.Malformed("probe got a malformed answer: " + e.getMessage()), nanos);
            return;
        }
        for (UpstreamAnswer answer : answers) {
            if (answer.isError() && AnswerClassifier.classify(answer) == ErrorClass.RATE_LIMITED) {
                provider.recordProbe(AnswerClassifier.ofProviderError(answer,
                        AnswerClassifier.errorReason(answer, provider.secrets()::scrub), response), nanos);
                return;
            }
        }
        UpstreamAnswer head = find(answers, HEAD_ID);
        UpstreamAnswer syncing = find(answers, SYNCING_ID);
        long block = head == null || head.isError() ? -1 : BlockParams.quantity(text(head));
        if (block < 0 || syncing == null || syncing.isError()) {
            failed(network, provider, fault("probe got no head block: "
                    + describe(provider, head == null || head.isError() ? head : syncing)), nanos);
            return;
        }
        Boolean chainMatches = null;
        String chainProblem = null;
        if (checkChain) {
            UpstreamAnswer chain = find(answers, CHAIN_ID);
            long expected = network.definition().chainId();
            long actual = chain == null || chain.isError() ? -1 : BlockParams.quantity(text(chain));
            if (actual < 0) {
                failed(network, provider, fault("probe got no chain id: " + describe(provider, chain)), nanos);
                return;
            }
            chainMatches = actual == expected;
            chainProblem = chainMatches ? null : "expected chain id " + expected + ", got " + actual;
        }
        boolean isSyncing = !"false".equals(syncing.result().toString());
        provider.probeAnswered(block, isSyncing, chainMatches, chainProblem, nanos);
        network.heads().refresh();
    }

    private static Outcome fault(String reason) {
        return new Outcome.ProviderFault(Outcome.Fault.ERROR_ANSWER, reason, false);
    }

    private void failed(Network network, Provider provider, Outcome outcome, long nanos) {
        provider.recordProbe(outcome, nanos);
        network.heads().refresh();
        log.debug("Probe of {} ({} tier) failed: {}", provider.name(), provider.tier(), outcome.reason());
    }

    private static UpstreamAnswer find(List<UpstreamAnswer> answers, int id) {
        for (UpstreamAnswer a : answers) {
            if (a.id() == id) {
                return a;
            }
        }
        return null;
    }

    private static String text(UpstreamAnswer answer) {
        String raw = answer.result().toString();
        return raw.length() >= 2 && raw.startsWith("\"") ? raw.substring(1, raw.length() - 1) : raw;
    }

    /** What a probe got instead of a usable answer; the provider's own credentials masked if it echoed them. */
    private static String describe(Provider provider, UpstreamAnswer answer) {
        if (answer == null) {
            return "no answer";
        }
        return provider.secrets().scrub(answer.isError() ? "error " + answer.errorCode() + " " + answer.errorMessage()
                : answer.result().toString());
    }

    private static byte[] body(boolean withChain) {
        String calls = "[{\"jsonrpc\":\"2.0\",\"id\":" + HEAD_ID + ",\"method\":\"eth_blockNumber\",\"params\":[]},"
                + "{\"jsonrpc\":\"2.0\",\"id\":" + SYNCING_ID + ",\"method\":\"eth_syncing\",\"params\":[]}"
                + (withChain ? ",{\"jsonrpc\":\"2.0\",\"id\":" + CHAIN_ID + ",\"method\":\"eth_chainId\",\"params\":[]}" : "")
                + "]";
        return calls.getBytes(StandardCharsets.US_ASCII);
    }
}
