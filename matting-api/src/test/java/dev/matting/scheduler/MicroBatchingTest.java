package dev.matting.scheduler;

import static dev.matting.scheduler.SchedulerTestSupport.assertTag;
import static dev.matting.scheduler.SchedulerTestSupport.sizes;
import static dev.matting.scheduler.SchedulerTestSupport.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Dynamic micro-batching: size caps, the batching window on a fake ticker, one shape per batch. */
class MicroBatchingTest {
    private final FakeTicker ticker = new FakeTicker();
    private final FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).build();

    private MattingScheduler.Builder builder() {
        return MattingScheduler.builder().lane(gpu).ticker(ticker).maxDelay(Duration.ofMillis(10));
    }

    @Test
    void aFullBatchRunsWithoutWaitingForTheWindow() {
        try (MattingScheduler s = builder().maxBatchSize(4).maxDelay(Duration.ofHours(1)).build()) {
            List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
            for (int tag = 1; tag <= 4; tag++) {
                fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
            }
            for (int tag = 1; tag <= 4; tag++) {
                assertTag(tag, fs.get(tag - 1));
            }
            assertEquals(List.of(List.of(1, 2, 3, 4)), tags(gpu));
        }
    }

    @Test
    void aPartialBatchWaitsForMaxDelayThenRunsAsOne() {
        try (MattingScheduler s = builder().maxBatchSize(8).build()) {
            List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
            for (int tag = 1; tag <= 3; tag++) {
                fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
            }
            ticker.advance(Duration.ofMillis(9));
            // Had the first three run before the window closed, this one would be in a second pass.
            fs.add(s.submit(FakeBatchBackend.input(4, 4, 4)));
            ticker.advance(Duration.ofMillis(1));
            for (int tag = 1; tag <= 4; tag++) {
                assertTag(tag, fs.get(tag - 1));
            }
            assertEquals(List.of(List.of(1, 2, 3, 4)), tags(gpu));
        }
    }

    @Test
    void batchesNeverMixShapesAndEveryAlphaReachesItsOwnRequest() {
        int[][] shapes = {{4, 4}, {4, 6}, {6, 4}};
        try (MattingScheduler s = builder().maxBatchSize(3).build()) {
            List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
            for (int tag = 1; tag <= 20; tag++) {
                int[] hw = shapes[tag % 3];
                fs.add(s.submit(FakeBatchBackend.input(tag, hw[0], hw[1])));
            }
            ticker.advance(Duration.ofMillis(10));
            for (int tag = 1; tag <= 20; tag++) {
                assertTag(tag, fs.get(tag - 1));
                int[] hw = shapes[tag % 3];
                assertEquals(hw[0] * hw[1], fs.get(tag - 1).join().plane().length);
            }
            Set<Integer> seen = new HashSet<>();
            for (FakeBatchBackend.Pass p : gpu.requestPasses()) {
                assertEquals(FakeBatchBackend.Outcome.OK, p.outcome());
                assertTrue(p.tags().size() <= 3);
                for (int tag : p.tags()) {
                    int[] hw = shapes[tag % 3];
                    assertEquals(new ModelInput.Shape(hw[0], hw[1]), p.shape(), "tag " + tag + " in wrong batch");
                    assertTrue(seen.add(tag), "tag " + tag + " ran twice");
                }
            }
            assertEquals(20, seen.size());
        }
    }

    @Test
    void floatInputsAreBatchedLikePixelInputs() {
        try (MattingScheduler s = builder().maxBatchSize(2).build()) {
            CompletableFuture<ModelOutput> a = s.submit(FakeBatchBackend.valuesInput(7, 4, 4));
            CompletableFuture<ModelOutput> b = s.submit(FakeBatchBackend.valuesInput(8, 4, 4));
            assertTag(7, a);
            assertTag(8, b);
            assertEquals(List.of(2), sizes(gpu));
        }
    }

    @Test
    void withoutAWindowWorkQueuedBehindABusyLaneIsBatched() throws InterruptedException {
        try (MattingScheduler s = builder().maxDelay(Duration.ZERO).maxBatchSize(8).build()) {
            gpu.pause();
            CompletableFuture<ModelOutput> first = s.submit(FakeBatchBackend.input(1, 4, 4));
            gpu.awaitEntered(1);
            List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
            for (int tag = 2; tag <= 6; tag++) {
                fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
            }
            gpu.resume();
            assertTag(1, first);
            for (int tag = 2; tag <= 6; tag++) {
                assertTag(tag, fs.get(tag - 2));
            }
            assertEquals(List.of(1, 5), sizes(gpu));
        }
    }
}
