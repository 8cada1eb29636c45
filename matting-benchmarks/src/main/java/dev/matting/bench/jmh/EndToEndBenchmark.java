package dev.matting.bench.jmh;

import dev.matting.api.MatteResult;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.bench.CombinationUnavailableException;
import dev.matting.bench.Combo;
import dev.matting.bench.samples.SampleGenerator;
import dev.matting.common.ImageSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * End-to-end throughput: {@code images} JPEGs at {@code resolution} go through JPEG decode, matte, post-process
 * and PNG encode, via {@link Matter#matteAll} (one call) or {@link Matter#submit} (one future each). The score is
 * time per set; the report divides by {@code images}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class EndToEndBenchmark extends BenchParams {
    /** Most images per forward pass inside the Matter. */
    @Param({"1", "4"})
    public int batch;

    /** Images per operation. */
    @Param({"10"})
    public int images;

    private Matter matter;
    private List<ImageSource> sources;

    @Setup(Level.Trial)
    public void setUp() {
        Combo c = combo();
        var spec = spec();
        var r = res();
        sources = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            byte[] jpeg = SampleGenerator.jpeg(SampleGenerator.scene(r.width(), r.height(), 500 + i).image().toBufferedImage());
            sources.add(ImageSource.of("scene-" + i + "-" + r + ".jpg", jpeg));
        }
        try {
            matter = Matters.builder().model(spec).backend(c.backend()).device(c.device()).precision(c.precision())
                    .maxBatchSize(batch).warmUp(true).create();
            matteAll();
        } catch (RuntimeException e) {
            if (matter != null) {
                matter.close();
            }
            throw new CombinationUnavailableException(c + " batch " + batch, e.getMessage(), e);
        }
    }

    /** All images in one {@code matteAll} call, then every matte encoded as an RGBA PNG. */
    @Benchmark
    public long matteAll() {
        long bytes = 0;
        for (MatteResult r : matter.matteAll(sources)) {
            bytes += r.orThrow().toPng().length;
        }
        return bytes;
    }

    /** One {@code submit} per image, joined, then encoded: the path a server handling requests takes. */
    @Benchmark
    public long submit() {
        List<CompletableFuture<byte[]>> futures = new ArrayList<>(sources.size());
        for (ImageSource s : sources) {
            futures.add(matter.submit(s).thenApply(m -> m.toPng()));
        }
        long bytes = 0;
        for (CompletableFuture<byte[]> f : futures) {
            bytes += f.join().length;
        }
        return bytes;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (matter != null) {
            matter.close();
        }
    }
}
