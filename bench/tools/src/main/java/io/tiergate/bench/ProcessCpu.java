package io.tiergate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system, in clock ticks) used so far by the processes serving a target, from
 * /proc/PID/stat, so a run can report the servers' CPU cost per request next to its latencies.
 */
final class ProcessCpu {

    private final long[] pids;

    /** {@code pids}: comma- or space-separated process ids; empty for none. */
    ProcessCpu(String pids) {
        this.pids = pids.isBlank() ? new long[0]
                : java.util.Arrays.stream(pids.trim().split("[,\\s]+")).mapToLong(Long::parseLong).toArray();
    }

    long ticks() {
        long total = 0;
        for (long pid : pids) {
            total += ticks(pid);
        }
        return total;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces: state is the
            // first, utime (field 14 of proc(5)) the twelfth, stime the thirteenth.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }
}
