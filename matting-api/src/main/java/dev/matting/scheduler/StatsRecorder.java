package dev.matting.scheduler;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** The scheduler's mutable counters, written from any thread, read as a {@link SchedulerStats} snapshot. */
final class StatsRecorder {
    /** Successes whose latency the percentiles cover: the most recent ones, so they follow a changing load. */
    private static final int LATENCY_WINDOW = 4096;

    final LongAdder submitted = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder oomRetries = new LongAdder();
    final LongAdder cpuFallbacks = new LongAdder();
    private final AtomicLongArray sizes;
    private final long[] latencies = new long[LATENCY_WINDOW];
    private int latencyCount;
    private int latencyNext;
    private final long startedAt;

    StatsRecorder(int maxBatchSize, long startedAt) {
        this.sizes = new AtomicLongArray(maxBatchSize + 1);
        this.startedAt = startedAt;
    }

    void batch(int size) {
        batches.increment();
        sizes.incrementAndGet(size);
    }

    void success(long latencyNanos) {
        succeeded.increment();
        synchronized (latencies) {
            latencies[latencyNext] = Math.max(0, latencyNanos);
            latencyNext = (latencyNext + 1) % LATENCY_WINDOW;
            latencyCount = Math.min(LATENCY_WINDOW, latencyCount + 1);
        }
    }

    SchedulerStats snapshot(int queueDepth, int inFlight, long now, List<SchedulerStats.LaneStats> lanes) {
        long[] window;
        synchronized (latencies) {
            window = Arrays.copyOf(latencies, latencyCount);
        }
        Arrays.sort(window);
        Map<Integer, Long> histogram = new TreeMap<>();
        for (int i = 1; i < sizes.length(); i++) {
            long n = sizes.get(i);
            if (n > 0) {
                histogram.put(i, n);
            }
        }
        long ok = succeeded.sum();
        double seconds = (now - startedAt) / 1e9;
        return new SchedulerStats(queueDepth, inFlight, submitted.sum(), ok, failed.sum(), cancelled.sum(),
                timedOut.sum(), rejected.sum(), batches.sum(), histogram, percentile(window, 0.50),
                percentile(window, 0.95), percentile(window, 0.99), seconds > 0 ? ok / seconds : 0,
                oomRetries.sum(), cpuFallbacks.sum(), lanes);
    }

    /** Nearest-rank percentile of sorted samples. */
    static Duration percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Duration.ZERO;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return Duration.ofNanos(sorted[Math.max(0, Math.min(sorted.length, rank) - 1)]);
    }
}
