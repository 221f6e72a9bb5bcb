package io.tiergate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * POSTs one body at one URL and prints a RESULT line (latencies in microseconds).
 *
 * <p>Open loop ({@code --rate N}): request i is due at start + i/N whatever happened to earlier ones,
 * and its latency is measured from that intended send time, not from when it went out. A stalled
 * target therefore shows up in the percentiles instead of quietly slowing the generator down
 * (coordinated omission). Closed loop ({@code --concurrency C}, the fallback when wrk is missing): C
 * requests in flight, each answered request immediately followed by the next.
 *
 * <p>Options: --url, --body FILE, --rate N | --concurrency C, --duration S [15], --warmup S [5],
 * --connections N [64, or C], --threads N [2], --cpu-pids "PID,..." (the RESULT line then carries the CPU ticks
 * those processes used during the measured phase).
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        byte[] body = Files.readAllBytes(Path.of(options.required("body")));
        int rate = options.integer("rate", 0);
        int concurrency = options.integer("concurrency", 0);
        if ((rate > 0) == (concurrency > 0)) {
            throw new IllegalArgumentException("give exactly one of --rate and --concurrency");
        }
        int connections = options.integer("connections", concurrency > 0 ? concurrency : 64);
        try (PostTarget target = new PostTarget(options.required("url"), body, connections,
                options.integer("threads", 2))) {
            // The warm-up compiles this generator's own code as much as the target's: its numbers are dropped.
            phase(target, rate, concurrency, options.seconds("warmup", 5), new Run());
            Run run = new Run();
            double duration = options.seconds("duration", 15);
            ProcessCpu servers = new ProcessCpu(options.string("cpu-pids", ""));
            long ticks = servers.ticks();
            long sent = phase(target, rate, concurrency, duration, run);
            System.out.println(run.resultLine(duration, sent) + " cpu_ticks=" + (servers.ticks() - ticks));
        }
    }

    /** Runs one phase to its end and waits (bounded) for requests still in flight; returns how many were sent. */
    private static long phase(PostTarget target, int rate, int concurrency, double seconds, Run run)
            throws InterruptedException {
        long durationNanos = (long) (seconds * 1e9);
        AtomicLong outstanding = new AtomicLong();
        long sent = rate > 0 ? openLoop(target, rate, durationNanos, run, outstanding)
                : closedLoop(target, concurrency, durationNanos, run, outstanding);
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(5);
        }
        return sent;
    }

    private static long openLoop(PostTarget target, int rate, long durationNanos, Run run, AtomicLong outstanding) {
        double interval = 1e9 / rate;
        long start = System.nanoTime();
        long sent = 0;
        while (true) {
            long intended = start + (long) (sent * interval);
            if (intended - start >= durationNanos) {
                return sent;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            outstanding.incrementAndGet();
            target.post().subscribe(answer -> {
                run.record(answer, System.nanoTime() - intended);
                outstanding.decrementAndGet();
            });
            sent++;
        }
    }

    private static long closedLoop(PostTarget target, int concurrency, long durationNanos, Run run,
            AtomicLong outstanding) throws InterruptedException {
        long end = System.nanoTime() + durationNanos;
        AtomicLong sent = new AtomicLong();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            new Loop(target, end, run, sent, done).next();
        }
        done.await(durationNanos + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
        return sent.get();
    }

    /** One closed-loop client: the next request goes out when the previous one is answered. */
    private record Loop(PostTarget target, long end, Run run, AtomicLong sent, CountDownLatch done) {
        void next() {
            long start = System.nanoTime();
            if (start - end >= 0) {
                done.countDown();
                return;
            }
            sent.incrementAndGet();
            target.post().subscribe(answer -> {
                run.record(answer, System.nanoTime() - start);
                next();
            });
        }
    }
}
