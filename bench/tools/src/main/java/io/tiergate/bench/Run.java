package io.tiergate.bench;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counters and the latency histogram of one measured phase; thread-safe for the event-loop threads. */
final class Run {

    private final Recorder latencies = new Recorder(3);
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    void record(PostTarget.Answer answer, long latencyNanos) {
        latencies.recordValue(Math.max(0, latencyNanos) / 1_000);
        requests.increment();
        bytes.add(answer.bytes());
        if (answer.status() != 200) {
            errors.increment();
        }
    }

    /** One line bench/run parses: counts, rates and latency percentiles in microseconds. */
    String resultLine(double seconds, long sent) {
        Histogram h = latencies.getIntervalHistogram();
        long n = requests.sum();
        return String.format(Locale.ROOT,
                "RESULT requests=%d sent=%d errors=%d seconds=%.3f rps=%.1f mbps=%.2f p50=%d p99=%d p999=%d max=%d",
                n, sent, errors.sum() + (sent - n), seconds, n / seconds, bytes.sum() / seconds / (1 << 20),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
