package dev.matting.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.Device;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.FakeMemorySource;
import dev.matting.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Two lanes on one device (a model copy each): they split its free memory and every request still gets its alpha. */
class SharedDeviceTest {
    private static final long GIB = 1L << 30;
    private static final ModelInput.Shape S44 = new ModelInput.Shape(4, 4);

    private static FakeBatchBackend gpu() {
        return FakeBatchBackend.builder(Device.gpu(0)).totalBytes(16 * GIB).weightsBytes(GIB).bytesPerImage(GIB)
                .build();
    }

    @Test
    void aLaneSharingItsDevicePlansWithItsShareOfTheFreeMemory() {
        FakeBatchBackend alone = gpu();
        MemoryPlanner whole = new MemoryPlanner(alone, new FakeMemorySource(alone), VramBudget.defaults(), 64);
        whole.calibrate(FakeBatchBackend.input(1, 4, 4));
        FakeBatchBackend shared = gpu();
        MemoryPlanner half = new MemoryPlanner(shared, new FakeMemorySource(shared), VramBudget.defaults(), 64, 2,
                new Object());
        half.calibrate(FakeBatchBackend.input(1, 4, 4));
        int all = whole.batchCap(S44);
        int share = half.batchCap(S44);
        assertTrue(all >= 8, "the whole device holds " + all);
        // the share is half of what is free beyond the lane's own cache, plus that cache
        assertTrue(share < all && share >= all / 2 - 1 && share <= all / 2 + 2, all + " alone vs " + share + " shared");
    }

    @Test
    void twoLanesOnOneDeviceServeEveryRequest() {
        FakeTicker ticker = new FakeTicker();
        FakeBatchBackend a = gpu();
        FakeBatchBackend b = gpu();
        try (MattingScheduler s = MattingScheduler.builder().lane(a, b).memorySource(new FakeMemorySource(a))
                .ticker(ticker).maxBatchSize(4).maxDelay(Duration.ofHours(1)).build()) {
            List<CompletableFuture<ModelOutput>> fs = new ArrayList<>();
            for (int tag = 1; tag <= 24; tag++) {
                fs.add(s.submit(FakeBatchBackend.input(tag, 4, 4)));
            }
            ticker.advance(Duration.ofHours(1));
            for (int tag = 1; tag <= 24; tag++) {
                SchedulerTestSupport.assertTag(tag, fs.get(tag - 1));
            }
            assertEquals(2, s.stats().lanes().size());
            assertTrue(s.stats().lanes().stream().allMatch(l -> l.device().equals(Device.gpu(0))));
            assertEquals(24, a.requestPasses().stream().mapToInt(p -> p.tags().size()).sum()
                    + b.requestPasses().stream().mapToInt(p -> p.tags().size()).sum());
        }
    }
}
