package dev.matting.bench.jmh;

import dev.matting.bench.CombinationUnavailableException;
import dev.matting.bench.InputFactory;
import dev.matting.bench.telemetry.NvmlTelemetry;
import dev.matting.gpu.GpuMonitor;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.scheduler.MemorySource;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The scheduler's target: 16 concurrent callers, each submitting one preprocessed image to one
 * {@link MattingScheduler} over one {@link BatchBackend} and waiting for its alpha. The score is images per second
 * summed over the callers (JMH adds up throughput across threads); the report divides it by the best
 * {@link BatchThroughputBenchmark} figure of the same backend, device, precision, model and resolution and holds it
 * against the 0.90 target. Memory sizing is the SDK's (NVML on a GPU), so micro-batches grow only as far as they fit.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(16)
public class SchedulerThroughputBenchmark extends BenchParams {
    /** Largest micro-batch the scheduler may form (the SDK default), matching the largest fixed batch measured. */
    @Param({"8"})
    public int maxBatch;

    /** The batching window in milliseconds (the SDK default). */
    @Param({"5"})
    public int maxDelayMs;

    /**
     * Lanes on the one device, each with its own copy of the model. With two, one lane's host work (staging copy,
     * upload, download: DJL exposes neither pinned memory nor streams) can overlap the other's forward pass; the
     * question the measurement answers is whether that pays.
     */
    @Param({"1"})
    public int lanes;

    private final List<BatchBackend> backends = new java.util.ArrayList<>();
    private BatchBackend backend;
    private GpuMonitor monitor;
    private MattingScheduler scheduler;
    private List<ModelInput> inputs;

    @Setup(Level.Trial)
    public void setUp() {
        var spec = spec();
        for (int i = 0; i < lanes; i++) {
            backends.add(openBackend(spec));
        }
        backend = backends.get(0);
        inputs = InputFactory.inputs(spec, res(), 16, backend.preparesOnDevice());
        try {
            MemorySource memory = MemorySource.unmeasured();
            if (backend.device().isGpu()) {
                monitor = GpuMonitor.nvml();
                memory = NvmlTelemetry.nvmlMemory(monitor);
            }
            scheduler = MattingScheduler.builder().lanes(backends).maxBatchSize(maxBatch)
                    .maxDelay(Duration.ofMillis(maxDelayMs)).memorySource(memory).build();
            scheduler.calibrate(inputs.get(0)).join();
            scheduler.submit(inputs.get(0)).join();
        } catch (RuntimeException e) {
            tearDown();
            throw new CombinationUnavailableException(combo() + " scheduler", "first scheduled forward pass failed: "
                    + e.getMessage(), e);
        }
    }

    /** One caller's request: submit one image and wait for its alpha. */
    @Benchmark
    public ModelOutput submit(ThreadParams thread) {
        return scheduler.submit(inputs.get(thread.getThreadIndex() % inputs.size())).join();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
        backends.forEach(BatchBackend::close);
        backends.clear();
        backend = null;
        if (monitor != null) {
            monitor.close();
            monitor = null;
        }
    }
}
