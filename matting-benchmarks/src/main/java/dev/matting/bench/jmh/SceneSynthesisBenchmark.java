package dev.matting.bench.jmh;

import dev.matting.bench.samples.SampleGenerator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Harness self-check that needs no engine: the cost of synthesising one benchmark scene. It keeps the JMH wiring
 * (annotation processing, BenchmarkList, JSON, report) testable on a machine without any backend, and bounds the
 * setup cost the other benchmarks pay.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(1)
public class SceneSynthesisBenchmark {
    /** Square scene size in pixels. */
    @Param({"256"})
    public int size;

    @Benchmark
    public byte[] scene() {
        return SampleGenerator.scene(size, size, 7).rgb();
    }
}
