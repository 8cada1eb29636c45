package dev.matting.bench.jmh;

import dev.matting.bench.CombinationUnavailableException;
import dev.matting.bench.InputFactory;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Single-image latency: one {@code BatchBackend.run} of one preprocessed input (no decode, no post-processing). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class LatencyBenchmark extends BenchParams {
    private BatchBackend backend;
    private List<ModelInput> input;

    @Setup(Level.Trial)
    public void setUp() {
        var spec = spec();
        backend = openBackend(spec);
        input = InputFactory.inputs(spec, res(), 1, backend.preparesOnDevice());
        try {
            backend.run(input);
        } catch (RuntimeException e) {
            backend.close();
            throw new CombinationUnavailableException(combo().toString(), "first forward pass failed: " + e.getMessage(), e);
        }
    }

    @Benchmark
    public List<ModelOutput> single() {
        return backend.run(input);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (backend != null) {
            backend.close();
        }
    }
}
