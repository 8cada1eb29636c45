package dev.matting.bench.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.scheduler.MemorySource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the table places a ballast, how big, what the scheduler then sees, and that it is given back. */
class CardEmulationTest {
    private static final long GIB = 1L << 30;
    private static final Device GPU = Device.gpu(0);

    /** A ballast that records what it was asked to hold and whether it was released. */
    private static final class FakeBallast implements Ballast {
        final List<Long> held = new ArrayList<>();
        int released;
        int settled;

        @Override
        public void settle(Device gpu) {
            settled++;
        }

        @Override
        public AutoCloseable occupy(Device gpu, long bytes) {
            held.add(bytes);
            return () -> released++;
        }
    }

    private static MemorySource card(long free, long total) {
        return new MemorySource() {
            @Override
            public long freeBytes(Device device) {
                return free;
            }

            @Override
            public long totalBytes(Device device) {
                return total;
            }
        };
    }

    @Test
    void aLargerGpuIsFilledDownToTheCardAndTheScedulerSeesTheCardsTotal() {
        FakeBallast ballast = new FakeBallast();
        MemorySource h100 = card(79 * GIB, 80 * GIB);
        try (CardEmulation e = CardEmulation.start(true, ballast, h100, GPU, 24 * GIB)) {
            assertEquals(List.of(55 * GIB), ballast.held);
            assertEquals(1, ballast.settled, "caches are given back before free memory is read");
            assertEquals(55 * GIB, e.hiddenBytes());
            MemorySource seen = e.memory(h100);
            assertEquals(79 * GIB, seen.freeBytes(GPU), "free memory is read live, the ballast already in it");
            assertEquals(25 * GIB, seen.totalBytes(GPU), "1 GiB in use before plus the 24 GiB card");
            assertEquals(3 * GIB, e.rowPeak(58 * GIB), "the row's peak leaves the ballast out");
            assertTrue(e.note().contains("55.0 GiB ballast"), e.note());
        }
        assertEquals(1, ballast.released);
    }

    @Test
    void noBallastWhenTurnedOffOrNotNeededOrFreeMemoryIsUnknown() {
        FakeBallast ballast = new FakeBallast();
        for (CardEmulation e : List.of(
                CardEmulation.start(false, ballast, card(79 * GIB, 80 * GIB), GPU, 24 * GIB),
                CardEmulation.start(true, ballast, card(20 * GIB, 24 * GIB), GPU, 24 * GIB),
                CardEmulation.start(true, ballast, card(24 * GIB, 24 * GIB), GPU, 24 * GIB),
                CardEmulation.start(true, ballast, MemorySource.unmeasured(), GPU, 24 * GIB))) {
            assertEquals(0, e.hiddenBytes(), e.note());
            MemorySource base = card(1, 2);
            assertEquals(base, e.memory(base), "without a ballast the memory source is left as it is");
            e.close();
        }
        assertEquals(List.of(), ballast.held);
    }

    @Test
    void aBallastThatCannotBePlacedLeavesTheCapAloneAndSaysWhy() {
        Ballast refusing = (gpu, bytes) -> {
            throw new BackendUnavailableException("the PyTorch engine sees [cpu]");
        };
        try (CardEmulation e = CardEmulation.start(true, refusing, card(79 * GIB, 80 * GIB), GPU, 24 * GIB)) {
            assertEquals(0, e.hiddenBytes());
            assertTrue(e.note().contains("cap only") && e.note().contains("PyTorch engine sees [cpu]"), e.note());
        }
    }
}
