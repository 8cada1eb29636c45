package dev.matting.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real NVML readings; runs only with {@code -Dgroups=gpu} and skips itself where NVML is unavailable. */
@Tag("gpu")
class NvmlGpuMonitorGpuTest {

    @Test
    void readsPlausibleValuesFromEveryGpu() {
        try (GpuMonitor monitor = GpuMonitor.nvml()) {
            assumeTrue(monitor.available(), () -> "NVML unavailable: " + monitor.unavailableReason());
            List<GpuSnapshot> all = monitor.snapshot();
            assertTrue(all.size() >= 1, "NVML is available but lists no GPU");
            for (GpuSnapshot s : all) {
                String id = "GPU " + s.index() + " (" + s.name() + ")";
                assertFalse(s.name().isBlank(), id + " has no name");
                assertTrue(s.hasMemoryInfo(), id + " reports no memory");
                assertTrue(s.memoryFreeBytes() > 0 && s.memoryFreeBytes() <= s.memoryTotalBytes(),
                        id + ": free " + s.memoryFreeBytes() + " of " + s.memoryTotalBytes());
                assertTrue(s.memoryUsedBytes() <= s.memoryTotalBytes(), id + ": used exceeds total");
                assertFalse(s.driverVersion().isBlank(), id + " has no driver version");
                s.uuid().ifPresent(u -> assertTrue(u.startsWith("GPU-") || u.startsWith("MIG-"), id + " uuid " + u));
                s.temperatureCelsius().ifPresent(t -> assertTrue(t > 0 && t < 120, id + " at " + t + " C"));
                s.powerWatts().ifPresent(w -> assertTrue(w > 0, id + " draws " + w + " W"));
                s.powerLimitWatts().ifPresent(w -> assertTrue(w > 0, id + " limit " + w + " W"));
                assertEquals(s.memoryFreeBytes() > 0, monitor.freeBytes(s.index()) > 0);
            }
            assertTrue(monitor.systemStatus().available());
        }
    }
}
