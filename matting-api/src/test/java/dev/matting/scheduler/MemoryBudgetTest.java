package dev.matting.scheduler;

import static dev.matting.scheduler.SchedulerTestSupport.assertTag;
import static dev.matting.scheduler.SchedulerTestSupport.sizes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeMemorySource;
import dev.matting.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Batch sizes from measured memory: calibration, the budget formula, the emulated cap, the CPU estimate. */
class MemoryBudgetTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final ModelInput.Shape S44 = new ModelInput.Shape(4, 4);
    private final FakeTicker ticker = new FakeTicker();

    private static FakeBatchBackend gpu(long total, long weights, long perImage) {
        return FakeBatchBackend.builder(Device.gpu(0)).totalBytes(total).weightsBytes(weights)
                .bytesPerImage(perImage).build();
    }

    private MattingScheduler.Builder builder(FakeBatchBackend b) {
        return MattingScheduler.builder().lane(b).memorySource(new FakeMemorySource(b)).ticker(ticker)
                .maxBatchSize(16).maxDelay(Duration.ofHours(1));
    }

    /** Submits tags from..to as 4x4 inputs, closes the batching window, and checks every alpha. */
    private void runAll(MattingScheduler s, int from, int to) {
        List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
        for (int tag = from; tag <= to; tag++) {
            fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
        }
        ticker.advance(Duration.ofHours(1));
        for (int tag = from; tag <= to; tag++) {
            assertTag(tag, fs.get(tag - from));
        }
    }

    @Test
    void calibrationMeasuresTheDropInFreeMemoryPerExtraImage() {
        FakeBatchBackend b = gpu(8 * GIB, GIB, 300 * MIB);
        try (MattingScheduler s = builder(b).build()) {
            s.calibrate(FakeBatchBackend.input(1, 4, 4)).join();
            assertEquals(Map.of(S44, 300 * MIB), s.stats().lanes().get(0).bytesPerImage());
            assertEquals(List.of(1, 2), b.passes().stream().map(p -> p.tags().size()).toList());
            assertTrue(b.passes().stream().allMatch(FakeBatchBackend.Pass::isCalibration));
            assertTrue(b.requestPasses().isEmpty(), "calibration must not run user inputs");
        }
    }

    @Test
    void aNewShapeIsCalibratedLazilyAndBatchesFollowTheBudget() {
        // usable = floor(7 GiB * 0.85) - 512 MiB = 5.45 GiB: five 1 GiB images per pass.
        FakeBatchBackend b = gpu(8 * GIB, GIB, GIB);
        try (MattingScheduler s = builder(b).build()) {
            runAll(s, 1, 12);
            assertEquals(2, b.passes().size() - b.requestPasses().size(), "one calibration (1 + 2 images)");
            assertEquals(List.of(5, 5, 2), sizes(b));
            assertEquals(Map.of(S44, GIB), s.stats().lanes().get(0).bytesPerImage());
        }
    }

    @Test
    void aCapMakesALargeCardPlanLikeASmallOne() {
        FakeBatchBackend big = gpu(80 * GIB, GIB, GIB);
        try (MattingScheduler s = builder(big).build()) {
            runAll(s, 1, 12);
            assertEquals(List.of(12), sizes(big));
        }
        FakeBatchBackend capped = gpu(80 * GIB, GIB, GIB);
        try (MattingScheduler s = builder(capped).vramBudget(VramBudget.defaults().withCapBytes(8 * GIB)).build()) {
            runAll(s, 1, 12);
            assertEquals(List.of(5, 5, 2), sizes(capped));
        }
    }

    @Test
    void freeMemoryIsReadAgainBeforeEveryBatch() {
        FakeBatchBackend b = gpu(8 * GIB, GIB, GIB);
        try (MattingScheduler s = builder(b).build()) {
            runAll(s, 1, 5);
            assertEquals(List.of(5), sizes(b));
            // Another process takes 2 GiB: usable = floor(5 GiB * 0.85) - 512 MiB = 3.75 GiB.
            b.setExternalBytes(2 * GIB);
            runAll(s, 6, 10);
            assertEquals(List.of(5, 3, 2), sizes(b));
            assertTrue(b.passes().stream().noneMatch(p -> p.outcome() == FakeBatchBackend.Outcome.OUT_OF_MEMORY));
        }
    }

    @Test
    void withoutAMeasurementOnlyTheMaximumBatchSizeApplies() {
        FakeBatchBackend cpu = FakeBatchBackend.builder(Device.cpu()).build();
        try (MattingScheduler s = builder(cpu).maxBatchSize(6).vramBudget(new VramBudget(1.0, 0, GIB)).build()) {
            runAll(s, 1, 10);
            assertEquals(List.of(6, 4), sizes(cpu));
            assertTrue(s.stats().lanes().get(0).bytesPerImage().isEmpty());
        }
    }
}
