package dev.matting.scheduler;

import static dev.matting.scheduler.SchedulerTestSupport.assertTag;
import static dev.matting.scheduler.SchedulerTestSupport.tags;
import static dev.matting.scheduler.SchedulerTestSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matting.common.Device;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Least-loaded dispatch over several lanes, batches in flight per lane, and the stats snapshot. */
class LanesAndStatsTest {
    private final FakeTicker ticker = new FakeTicker();
    private final List<FakeBatchBackend> gpus = List.of(
            FakeBatchBackend.builder(Device.gpu(0)).build(),
            FakeBatchBackend.builder(Device.gpu(1)).build(),
            FakeBatchBackend.builder(Device.gpu(2)).build());

    private MattingScheduler.Builder builder() {
        return MattingScheduler.builder().lanes(gpus).ticker(ticker).maxBatchSize(1).maxDelay(Duration.ZERO);
    }

    @Test
    void eachBatchGoesToTheLeastLoadedOfThreeLanes() throws InterruptedException {
        try (MattingScheduler s = builder().build()) {
            gpus.forEach(FakeBatchBackend::pause);
            List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
            for (int tag = 1; tag <= 3; tag++) {
                fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
            }
            for (FakeBatchBackend g : gpus) {
                g.awaitEntered(1);
            }
            // Every lane is busy: the fourth waits and goes to whichever lane frees first.
            fs.add(s.submit(FakeBatchBackend.input(4, 4, 4)));
            gpus.get(2).resume();
            assertTag(3, fs.get(2));
            assertTag(4, fs.get(3));
            gpus.get(0).resume();
            gpus.get(1).resume();
            assertTag(1, fs.get(0));
            assertTag(2, fs.get(1));
            assertEquals(List.of(List.of(1)), tags(gpus.get(0)));
            assertEquals(List.of(List.of(2)), tags(gpus.get(1)));
            assertEquals(List.of(List.of(3), List.of(4)), tags(gpus.get(2)));
            assertEquals(List.of(1L, 1L, 2L), s.stats().lanes().stream().map(SchedulerStats.LaneStats::batches)
                    .toList());
            gpus.forEach(g -> assertEquals(0, g.overlappingCalls()));
        }
    }

    @Test
    void roomForMoreBatchesOnOneLaneDoesNotKeepTheOthersIdle() throws InterruptedException {
        try (MattingScheduler s = builder().maxInFlightPerLane(3).build()) {
            gpus.forEach(FakeBatchBackend::pause);
            List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
            for (int tag = 1; tag <= 3; tag++) {
                fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
            }
            for (FakeBatchBackend g : gpus) {
                g.awaitEntered(1);
            }
            gpus.forEach(FakeBatchBackend::resume);
            for (int tag = 1; tag <= 3; tag++) {
                assertTag(tag, fs.get(tag - 1));
            }
            assertEquals(List.of(1L, 1L, 1L), s.stats().lanes().stream().map(SchedulerStats.LaneStats::batches)
                    .toList());
        }
    }

    @Test
    void withTwoInFlightPerLaneTheNextBatchWaitsAtTheLaneNotInTheQueue() throws InterruptedException {
        try (MattingScheduler s = builder().maxInFlightPerLane(2).build()) {
            gpus.forEach(FakeBatchBackend::pause);
            List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
            for (int tag = 1; tag <= 7; tag++) {
                fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
            }
            for (FakeBatchBackend g : gpus) {
                g.awaitEntered(1);
            }
            SchedulerStats stats = s.stats();
            assertEquals(6, stats.inFlightBatches());
            assertEquals(1, stats.queueDepth());
            gpus.forEach(FakeBatchBackend::resume);
            for (int tag = 1; tag <= 7; tag++) {
                assertTag(tag, fs.get(tag - 1));
            }
            gpus.forEach(g -> assertEquals(0, g.overlappingCalls(), "a lane ran two batches at once"));
        }
    }

    @Test
    void statsReportCountsHistogramLatencyPercentilesAndThroughput() throws InterruptedException {
        FakeBatchBackend gpu = gpus.get(0);
        try (MattingScheduler s = MattingScheduler.builder().lane(gpu).ticker(ticker).maxBatchSize(1)
                .completionExecutor(Runnable::run).build()) {
            for (int i = 1; i <= 10; i++) {
                gpu.pause();
                CompletableFuture<ModelOutput> f = s.submit(FakeBatchBackend.input(i, 4, 4));
                gpu.awaitEntered(i);
                ticker.advance(Duration.ofMillis(i));
                gpu.resume();
                value(f);
            }
            SchedulerStats stats = s.stats();
            assertEquals(10, stats.submitted());
            assertEquals(10, stats.succeeded());
            assertEquals(0, stats.pending());
            assertEquals(10, stats.batchesRun());
            assertEquals(Map.of(1, 10L), stats.batchSizeHistogram());
            assertEquals(Duration.ofMillis(5), stats.latencyP50());
            assertEquals(Duration.ofMillis(10), stats.latencyP95());
            assertEquals(Duration.ofMillis(10), stats.latencyP99());
            assertEquals(10 / 0.055, stats.imagesPerSecond(), 1e-6);
            assertEquals(10, stats.lanes().get(0).batches());
            assertEquals(10, stats.lanes().get(0).images());
            assertEquals(Device.gpu(0), stats.lanes().get(0).device());
        }
    }
}
