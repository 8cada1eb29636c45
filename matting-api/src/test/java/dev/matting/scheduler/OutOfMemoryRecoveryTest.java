package dev.matting.scheduler;

import static dev.matting.scheduler.SchedulerTestSupport.assertTag;
import static dev.matting.scheduler.SchedulerTestSupport.error;
import static dev.matting.scheduler.SchedulerTestSupport.sizes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.InferenceException;
import dev.matting.common.Precision;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Out-of-memory: release, halve and split, retry a single image once, fall back to the CPU; isolate bad inputs. */
class OutOfMemoryRecoveryTest {
    private static final ModelInput.Shape S44 = new ModelInput.Shape(4, 4);

    private static MattingScheduler.Builder builder(BatchBackend b) {
        return MattingScheduler.builder().lane(b).maxDelay(Duration.ofHours(1));
    }

    private static List<CompletableFuture<ModelOutput>> submit(MattingScheduler s, int from, int to) {
        List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
        for (int tag = from; tag <= to; tag++) {
            fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
        }
        return fs;
    }

    @Test
    void anOomBatchIsHalvedUntilItFitsAndTheLowerCapIsRemembered() {
        FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).oomAboveBatch(2).build();
        try (MattingScheduler s = builder(gpu).maxBatchSize(8).build()) {
            List<CompletableFuture<ModelOutput>> fs = submit(s, 1, 8);
            for (int tag = 1; tag <= 8; tag++) {
                assertTag(tag, fs.get(tag - 1));
            }
            assertEquals(List.of(8, 4, 2, 2, 4, 2, 2), sizes(gpu));
            assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5, 6), List.of(7, 8)),
                    gpu.requestPasses().stream().filter(p -> p.outcome() == FakeBatchBackend.Outcome.OK)
                            .map(FakeBatchBackend.Pass::tags).toList());
            assertEquals(3, gpu.releases(), "every out-of-memory releases the cache");
            SchedulerStats stats = s.stats();
            assertEquals(3, stats.oomRetries());
            assertEquals(Map.of(S44, 2), stats.lanes().get(0).oomCaps());

            List<CompletableFuture<ModelOutput>> more = submit(s, 9, 14);
            for (int tag = 9; tag <= 14; tag++) {
                assertTag(tag, more.get(tag - 9));
            }
            assertEquals(List.of(2, 2, 2), sizes(gpu).subList(7, 10), "the halved cap holds for later batches");
        }
    }

    @Test
    void aSingleImageThatDoesNotFitIsRetriedOnceThenFailsNamingItsShape() {
        FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).oomAboveBatch(0).build();
        try (MattingScheduler s = builder(gpu).maxBatchSize(1).build()) {
            DeviceOutOfMemoryException e = error(s.submit(FakeBatchBackend.input(1, 4, 4)),
                    DeviceOutOfMemoryException.class);
            assertTrue(e.getMessage().contains("4x4") && e.getMessage().contains("gpu0"), e.getMessage());
            assertEquals(List.of(1, 1), sizes(gpu));
            assertEquals(2, gpu.releases());
            assertEquals(1, s.stats().failed());
        }
    }

    @Test
    void aSingleImageThatDoesNotFitRunsOnTheCpuFallback() {
        FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).oomAboveBatch(0).build();
        FakeBatchBackend cpu = FakeBatchBackend.builder(Device.cpu()).build();
        try (MattingScheduler s = builder(gpu).maxBatchSize(4).cpuFallback(cpu).build()) {
            List<CompletableFuture<ModelOutput>> fs = submit(s, 1, 4);
            for (int tag = 1; tag <= 4; tag++) {
                assertTag(tag, fs.get(tag - 1));
            }
            assertEquals(List.of(List.of(1), List.of(2), List.of(3), List.of(4)), SchedulerTestSupport.tags(cpu));
            SchedulerStats stats = s.stats();
            assertEquals(4, stats.cpuFallbacks());
            assertEquals(4, stats.succeeded());
        }
    }

    @Test
    void aPoisonedInputFailsAloneAndTheRestOfItsBatchSucceeds() {
        FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).poison(Set.of(3)).build();
        try (MattingScheduler s = builder(gpu).maxBatchSize(8).build()) {
            List<CompletableFuture<ModelOutput>> fs = submit(s, 1, 8);
            for (int tag = 1; tag <= 8; tag++) {
                if (tag == 3) {
                    assertTrue(error(fs.get(2), InferenceException.class).getMessage().contains("poison"));
                } else {
                    assertTag(tag, fs.get(tag - 1));
                }
            }
            assertEquals(List.of(8, 4, 2, 2, 1, 1, 4), sizes(gpu));
            assertEquals(0, s.stats().oomRetries());
            assertEquals(7, s.stats().succeeded());
            assertEquals(1, s.stats().failed());
        }
    }

    @Test
    void aBackendReturningTheWrongNumberOfAlphasFailsWithATypedError() {
        BatchBackend broken = new BatchBackend() {
            @Override
            public List<ModelOutput> run(List<ModelInput> batch) {
                return List.of();
            }

            @Override
            public Device device() {
                return Device.gpu(0);
            }

            @Override
            public Precision precision() {
                return Precision.FP16;
            }

            @Override
            public String engine() {
                return "broken";
            }

            @Override
            public void close() {
            }
        };
        try (MattingScheduler s = builder(broken).maxBatchSize(1).build()) {
            InferenceException e = error(s.submit(FakeBatchBackend.input(1, 4, 4)), InferenceException.class);
            assertTrue(e.getMessage().contains("returned 0 alphas"), e.getMessage());
        }
    }
}
