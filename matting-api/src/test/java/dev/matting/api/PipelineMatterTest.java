package dev.matting.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.model.ModelSpec;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeMemorySource;
import dev.matting.testing.SyntheticImages;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The whole data path (decode → preprocess → scheduler → post-process) over a fake GPU that runs out of memory. */
class PipelineMatterTest {
    private static final ModelSpec SPEC = ModelSpec.parse(new StringReader("""
            {"name": "fake", "files": {"onnx": {"fp32": "none.onnx"}},
             "input": {"dtype": "uint8", "policy": {"kind": "longest-side", "size": 64, "multiple": 32}},
             "normalization": {"inGraph": true, "mean": [0, 0, 0], "std": [1, 1, 1]},
             "output": {"activation": "minmax"}}
            """), Path.of("."), "fake model.json");

    private record Rig(PipelineMatter matter, FakeBatchBackend gpu, MattingScheduler scheduler) {
    }

    /** A fake GPU whose memory fits 3 images of any shape, though the budget would allow 8: OOM must split batches. */
    private static Rig rig() {
        FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).totalBytes(8L << 30).bytesPerImage(64L << 20)
                .oomAboveBatch(3).build();
        MatterOptions options = MatterOptions.builder().device(Device.gpu(0)).cpuThreads(2).maxBatchSize(8).build();
        MattingScheduler scheduler = MattingScheduler.builder().lane(gpu).maxBatchSize(8).maxDelay(Duration.ofMillis(20))
                .memorySource(new FakeMemorySource(gpu)).build();
        return new Rig(new PipelineMatter("fake", SPEC, gpu, scheduler, options, List.of(scheduler, gpu)), gpu,
                scheduler);
    }

    private static ImageSource image(int i) {
        int w = 40 + 7 * i;
        int h = 30 + 5 * (i % 3);
        return ImageSource.of("img" + i, SyntheticImages.generate(i, w, h).image());
    }

    @Test
    void aBatchKeepsEveryGoodImageInOrderThroughOutOfMemorySplits() throws Exception {
        Rig rig = rig();
        try (PipelineMatter matter = rig.matter()) {
            List<ImageSource> sources = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                sources.add(image(i));
            }
            sources.add(5, ImageSource.of("broken.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}));
            // Hold the device until every good image has reached the scheduler: whatever the first batch took, a
            // batch of more than the card holds (3) follows, of one of the two shapes (5 and 7 images), and splits.
            rig.gpu().pause();
            CompletableFuture<List<MatteResult>> all = CompletableFuture.supplyAsync(() -> matter.matteAll(sources));
            long end = System.nanoTime() + 20_000_000_000L;
            while (rig.scheduler().stats().submitted() < 12 && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            rig.gpu().resume();
            List<MatteResult> results = all.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(sources.size(), results.size());
            for (int i = 0; i < sources.size(); i++) {
                MatteResult r = results.get(i);
                assertEquals(sources.get(i), r.source());
                if (i == 5) {
                    assertFalse(r.isSuccess());
                    assertInstanceOf(ImageDecodeException.class, r.error());
                    assertTrue(r.error().getMessage().contains("broken.jpg"), r.error().getMessage());
                } else {
                    Matte m = r.orThrow();
                    int k = i < 5 ? i : i - 1;
                    assertEquals(40 + 7 * k, m.width(), "image " + k + " came back with another image's matte");
                    assertEquals(30 + 5 * (k % 3), m.height());
                }
            }
            assertTrue(matter.stats().oomRetries() > 0, "the fake GPU should have run out of memory: " + matter.stats());
            assertEquals(12, matter.stats().succeeded());
            assertTrue(rig.gpu().requestPasses().stream()
                    .filter(p -> p.outcome() == FakeBatchBackend.Outcome.OK).allMatch(p -> p.tags().size() <= 3),
                    "a pass larger than the card holds succeeded: " + rig.gpu().requestPasses());
        }
    }

    @Test
    void concurrentCallersAllGetTheirOwnMatte() throws Exception {
        Rig rig = rig();
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try (PipelineMatter matter = rig.matter()) {
            List<CompletableFuture<Matte>> futures = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                ImageSource s = image(i % 12);
                futures.add(CompletableFuture.supplyAsync(() -> matter.matte(s), callers));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(40 + 7 * (i % 12), futures.get(i).get().width());
            }
            assertEquals(0, rig.gpu().overlappingCalls());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void submitFailsWithTheTypedErrorAndMatteThrowsIt() {
        Rig rig = rig();
        try (PipelineMatter matter = rig.matter()) {
            ImageSource missing = ImageSource.of(Path.of("does/not/exist.png"));
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> matter.matte(missing));
            assertTrue(e.getMessage().contains("exist.png") && e.getMessage().contains("no such file"), e.getMessage());
            CompletableFuture<Matte> f = matter.submit(missing);
            Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, f::get).getCause();
            assertInstanceOf(ImageDecodeException.class, cause);
        }
        assertThrows(SchedulerRejectedException.class, () -> rig.matter().matte(image(1)));
    }
}
