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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batched throughput: one {@code BatchBackend.run} of {@code batch} distinct same-shaped inputs. The score is time
 * per batch; the report divides by {@code batch} for time per image.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class BatchThroughputBenchmark extends BenchParams {
    /** Images per forward pass. */
    @Param({"1", "2", "4", "8"})
    public int batch;

    private BatchBackend backend;
    private List<ModelInput> inputs;

    @Setup(Level.Trial)
    public void setUp() {
        var spec = spec();
        backend = openBackend(spec);
        inputs = InputFactory.inputs(spec, res(), batch, backend.preparesOnDevice());
        try {
            backend.run(inputs);
        } catch (RuntimeException e) {
            backend.close();
            throw new CombinationUnavailableException(combo() + " batch " + batch, "first forward pass failed: "
                    + e.getMessage(), e);
        }
    }

    @Benchmark
    public List<ModelOutput> batched() {
        return backend.run(inputs);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (backend != null) {
            backend.close();
        }
    }
}
