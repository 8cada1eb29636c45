package dev.matting.bench.telemetry;

import dev.matting.gpu.GpuMonitor;
import dev.matting.gpu.GpuSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a {@link GpuMonitor} at a fixed period on a daemon thread while a workload runs, and summarises mean GPU
 * utilisation and peak memory per GPU.
 *
 * <pre>{@code
 * try (GpuMonitor monitor = GpuMonitor.nvml()) {
 *     GpuSampler sampler = GpuSampler.start(monitor, Duration.ofMillis(100));
 *     runBenchmark();
 *     GpuUsageSummary usage = sampler.stop();
 * }
 * }</pre>
 *
 * A reading that throws is counted in {@link GpuUsageSummary#failedSamples()} and sampling goes on. Thread-safe.
 */
public final class GpuSampler implements AutoCloseable {
    /** The period the benchmarks use. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(100);

    private final GpuMonitor monitor;
    private final ScheduledExecutorService executor;
    private final long startNanos;
    private final TreeMap<Integer, Accumulator> gpus = new TreeMap<>();
    private int samples;
    private int failed;
    private String lastFailure;
    private GpuUsageSummary result;

    private GpuSampler(GpuMonitor monitor, Duration period) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        if (period != null && (period.isNegative() || period.isZero())) {
            throw new IllegalArgumentException("GPU sampling period must be positive, got " + period);
        }
        this.startNanos = System.nanoTime();
        if (period == null || !monitor.available()) {
            this.executor = null;
            return;
        }
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "matting-gpu-sampler");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleAtFixedRate(this::sampleQuietly, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts sampling {@code monitor} every {@link #DEFAULT_PERIOD}. */
    public static GpuSampler start(GpuMonitor monitor) {
        return start(monitor, DEFAULT_PERIOD);
    }

    /**
     * Starts sampling {@code monitor} every {@code period}, the first reading at once. An unavailable monitor starts
     * no thread; its summary says why.
     */
    public static GpuSampler start(GpuMonitor monitor, Duration period) {
        return new GpuSampler(monitor, Objects.requireNonNull(period, "period"));
    }

    /** A sampler with no thread, that reads only when {@link #sample()} is called (tests, or sampling at marks). */
    public static GpuSampler manual(GpuMonitor monitor) {
        return new GpuSampler(monitor, null);
    }

    /**
     * Takes one reading now, in the caller's thread.
     *
     * @throws IllegalStateException after {@link #stop()}
     */
    public void sample() {
        synchronized (this) {
            if (result != null) {
                throw new IllegalStateException("GPU sampler is stopped");
            }
        }
        sampleQuietly();
    }

    /** The summary so far, without stopping. */
    public synchronized GpuUsageSummary summary() {
        return result != null ? result : summarise();
    }

    /**
     * Stops sampling (waiting for a reading in flight) and returns the summary; later calls return the same summary.
     * If the thread never got to read, one reading is taken here so that a short run still has a number.
     */
    public GpuUsageSummary stop() {
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (result == null) {
                if (samples + failed == 0 && monitor.available()) {
                    record();
                }
                result = summarise();
            }
            return result;
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void sampleQuietly() {
        synchronized (this) {
            if (result == null) {
                record();
            }
        }
    }

    /** One reading into the accumulators; never throws, because a throw would silently end a periodic task. */
    private void record() {
        List<GpuSnapshot> frame;
        try {
            frame = monitor.snapshot();
        } catch (RuntimeException e) {
            failed++;
            lastFailure = e.getMessage() != null ? e.getMessage() : e.toString();
            return;
        }
        samples++;
        for (GpuSnapshot s : frame) {
            gpus.computeIfAbsent(s.index(), i -> new Accumulator(s.index(), s.name())).add(s);
        }
    }

    private GpuUsageSummary summarise() {
        List<GpuUsageSummary.GpuUsage> usage = new ArrayList<>(gpus.size());
        gpus.values().forEach(a -> usage.add(a.usage()));
        return new GpuUsageSummary(monitor.available(), monitor.unavailableReason(),
                Duration.ofNanos(System.nanoTime() - startNanos), samples, failed, Optional.ofNullable(lastFailure),
                usage);
    }

    /** Running sums for one GPU; guarded by the sampler's lock. */
    private static final class Accumulator {
        private final int index;
        private final String name;
        private int samples;
        private int utilCount;
        private long utilSum;
        private int utilPeak;
        private int memCount;
        private long memBaseline;
        private long memPeak;
        private long memTotal;
        private int powerCount;
        private double powerSum;
        private double powerPeak;

        Accumulator(int index, String name) {
            this.index = index;
            this.name = name;
        }

        void add(GpuSnapshot s) {
            samples++;
            s.gpuUtilizationPercent().ifPresent(u -> {
                utilSum += u;
                utilPeak = utilCount == 0 ? u : Math.max(utilPeak, u);
                utilCount++;
            });
            if (s.hasMemoryInfo()) {
                if (memCount == 0) {
                    memBaseline = s.memoryUsedBytes();
                    memPeak = s.memoryUsedBytes();
                }
                memPeak = Math.max(memPeak, s.memoryUsedBytes());
                memTotal = s.memoryTotalBytes();
                memCount++;
            }
            s.powerWatts().ifPresent(w -> {
                powerSum += w;
                powerPeak = powerCount == 0 ? w : Math.max(powerPeak, w);
                powerCount++;
            });
        }

        GpuUsageSummary.GpuUsage usage() {
            boolean util = utilCount > 0;
            boolean mem = memCount > 0;
            boolean power = powerCount > 0;
            return new GpuUsageSummary.GpuUsage(index, name, samples,
                    util ? OptionalDouble.of((double) utilSum / utilCount) : OptionalDouble.empty(),
                    util ? OptionalInt.of(utilPeak) : OptionalInt.empty(),
                    mem ? OptionalLong.of(memBaseline) : OptionalLong.empty(),
                    mem ? OptionalLong.of(memPeak) : OptionalLong.empty(),
                    mem ? OptionalLong.of(memTotal) : OptionalLong.empty(),
                    power ? OptionalDouble.of(powerSum / powerCount) : OptionalDouble.empty(),
                    power ? OptionalDouble.of(powerPeak) : OptionalDouble.empty());
        }
    }
}
