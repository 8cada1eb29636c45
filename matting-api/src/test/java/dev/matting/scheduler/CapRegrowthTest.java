package dev.matting.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matting.common.Device;
import dev.matting.spi.ModelInput;
import dev.matting.testing.FakeBatchBackend;
import org.junit.jupiter.api.Test;

/** A cap halved by an out-of-memory creeps back one image per {@value MemoryPlanner#REGROW_AFTER} clean batches. */
class CapRegrowthTest {
    private static final ModelInput.Shape SHAPE = new ModelInput.Shape(4, 4);

    @Test
    void halvedOnOutOfMemoryThenRegrowsToTheMaximum() {
        FakeBatchBackend gpu = FakeBatchBackend.builder(Device.gpu(0)).build();
        MemoryPlanner planner = new MemoryPlanner(gpu, MemorySource.unmeasured(), VramBudget.defaults(), 8);
        assertEquals(8, planner.batchCap(SHAPE));
        planner.onOutOfMemory(SHAPE, 8);
        assertEquals(4, planner.batchCap(SHAPE));
        assertEquals(1, gpu.releases(), "an out-of-memory gives the cache back");
        for (int i = 0; i < MemoryPlanner.REGROW_AFTER - 1; i++) {
            planner.onSuccess(SHAPE, 4);
        }
        assertEquals(4, planner.batchCap(SHAPE), "not yet");
        planner.onSuccess(SHAPE, 4);
        assertEquals(5, planner.batchCap(SHAPE));
        // smaller batches say nothing about whether the cap fits, so they do not count
        for (int i = 0; i < 100; i++) {
            planner.onSuccess(SHAPE, 2);
        }
        assertEquals(5, planner.batchCap(SHAPE));
        // another out-of-memory on the way up halves again and restarts the count
        for (int i = 0; i < MemoryPlanner.REGROW_AFTER - 1; i++) {
            planner.onSuccess(SHAPE, 5);
        }
        planner.onOutOfMemory(SHAPE, 5);
        assertEquals(3, planner.batchCap(SHAPE));
        for (int step = 3; step < 8; step++) {
            for (int i = 0; i < MemoryPlanner.REGROW_AFTER; i++) {
                planner.onSuccess(SHAPE, step);
            }
        }
        assertEquals(8, planner.batchCap(SHAPE));
        assertEquals(0, planner.oomCapsSnapshot().size(), "back at the maximum, the shape has no lowered cap");
    }
}
