package dev.matting.bench.matte;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.BatchJob;
import dev.matting.api.BatchSummary;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** 10,000 images through the streaming API with real inference: every result right, heap flat. */
class StreamingHeapTest {
    private static final int N = 10_000;
    private static final int W = 96;
    private static final int H = 72;

    @TempDir
    Path dir;

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    @Timeout(1200)
    void tenThousandInputsStreamThroughWithBoundedHeapAndEachItsOwnMatte() throws Exception {
        try (Matter matter = Matters.builder().model(SmallModel.spec(dir)).backend("pytorch").device(Device.cpu())
                .create()) {
            byte[][] reference = {matter.matte(SmallModel.picture(0, W, H)).alphaBytes(),
                    matter.matte(SmallModel.picture(1, W, H)).alphaBytes()};
            assertTrue(meanAbsDiff(reference[0], reference[1]) > 10, "the two kinds must look different to the model");
            // Sources are made as they are pulled, like files read one by one: nothing holds all 10,000.
            Iterable<ImageSource> sources = () -> new Iterator<>() {
                private int i;

                @Override
                public boolean hasNext() {
                    return i < N;
                }

                @Override
                public ImageSource next() {
                    int k = i++;
                    return ImageSource.of("img" + k, SmallModel.picture(k % 2, W, H));
                }
            };
            long baseline = usedAfterGc();
            AtomicLong peak = new AtomicLong();
            AtomicLong wrong = new AtomicLong();
            AtomicLong samples = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(usedAfterGc(), Math::max);
                    samples.incrementAndGet();
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            BatchSummary s;
            try {
                s = BatchJob.builder(matter).sources(sources).total(N).sink(item -> {
                    byte[] a = item.matte().alphaBytes();
                    // own kind within the engine's batch-size noise, far from the other kind
                    if (meanAbsDiff(a, reference[(int) (item.index() % 2)]) > 1.0
                            || meanAbsDiff(a, reference[(int) ((item.index() + 1) % 2)]) < 10) {
                        wrong.incrementAndGet();
                    }
                }).build().run();
            } finally {
                sampler.interrupt();
                sampler.join();
            }
            assertEquals(N, s.succeeded(), s.toString());
            assertEquals(0, wrong.get(), "results handed to the wrong input, or wrong");
            long grew = peak.get() - baseline;
            System.out.printf("streamed %d images in %.1f s (%.0f images/s); heap after GC: baseline %d MiB, peak %d MiB"
                    + " over %d samples%n", N, s.elapsed().toMillis() / 1e3, s.imagesPerSecond(), baseline >> 20,
                    peak.get() >> 20, samples.get());
            // Holding every result would take 10,000 x (96x72 RGB + alpha + the source image) = about 550 MB.
            assertTrue(samples.get() >= 2, "the heap was not sampled during the run");
            assertTrue(grew < 96L << 20, "heap grew by " + (grew >> 20) + " MiB while streaming");
        }
    }

    private static double meanAbsDiff(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / a.length;
    }
}
