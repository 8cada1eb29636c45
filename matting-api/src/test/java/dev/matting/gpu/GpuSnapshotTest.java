package dev.matting.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GpuSnapshotTest {
    @Property
    void utilisationOutsideZeroToHundredIsRejected(@ForAll int percent) {
        GpuSnapshot.Builder b = GpuSnapshot.builder(0);
        if (percent < 0 || percent > 100) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.gpuUtilization(percent));
            assertTrue(e.getMessage().contains(percent + "%"), e.getMessage());
        } else {
            assertEquals(percent, b.gpuUtilization(percent).build().gpuUtilizationPercent().getAsInt());
        }
    }

    @Property
    void memoryUsedFromTotalKeepsFreePlusUsedEqualToTotal(@ForAll @IntRange(min = 0, max = 1 << 20) int usedMib,
            @ForAll @IntRange(min = 0, max = 1 << 20) int extraMib) {
        long used = (long) usedMib << 20;
        long total = used + ((long) extraMib << 20);
        GpuSnapshot s = GpuSnapshot.builder(3).memoryUsed(used, total).build();
        assertEquals(total, s.memoryFreeBytes() + s.memoryUsedBytes());
        assertTrue(s.hasMemoryInfo());
        if (total > 0) {
            assertEquals(100.0 * used / total, s.memoryUsedPercent().getAsDouble(), 1e-9);
        }
    }

    @Test
    void unreportedMemoryIsUnknownAndHasNoPercentage() {
        GpuSnapshot s = GpuSnapshot.builder(0).build();
        assertFalse(s.hasMemoryInfo());
        assertEquals(GpuSnapshot.UNKNOWN, s.memoryTotalBytes());
        assertTrue(s.memoryUsedPercent().isEmpty());
    }

    @Test
    void negativeIndexOrMemoryIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GpuSnapshot.builder(-1).build());
        assertThrows(IllegalArgumentException.class, () -> GpuSnapshot.builder(0).memory(10, -5, 15).build());
    }
}
