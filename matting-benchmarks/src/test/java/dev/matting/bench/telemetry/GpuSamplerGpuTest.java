package dev.matting.bench.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.matting.gpu.GpuMonitor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The sampler on a real NVML, where one is installed; skips itself elsewhere. */
@Tag("gpu")
class GpuSamplerGpuTest {

    @Test
    void samplerReadsEveryGpu() {
        try (GpuMonitor monitor = GpuMonitor.nvml()) {
            assumeTrue(monitor.available(), () -> "NVML unavailable: " + monitor.unavailableReason());
            GpuSampler sampler = GpuSampler.start(monitor, Duration.ofMillis(10));
            for (int i = 0; i < 3; i++) {
                sampler.sample();
            }
            GpuUsageSummary usage = sampler.stop();
            assertEquals(0, usage.failedSamples(), () -> usage.lastFailure().orElse(""));
            assertEquals(monitor.snapshot().size(), usage.gpus().size());
            for (GpuUsageSummary.GpuUsage g : usage.gpus()) {
                assertTrue(g.peakMemoryUsedBytes().getAsLong() >= g.baselineMemoryUsedBytes().getAsLong());
                assertTrue(g.peakMemoryUsedBytes().getAsLong() <= g.memoryTotalBytes().getAsLong());
            }
        }
    }
}
