package dev.matting.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.GpuTelemetryException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptedGpuMonitorTest {
    private static GpuSnapshot gpu(int index, long free) {
        return GpuSnapshot.builder(index).name("g").memory(1000, free, 1000 - free).build();
    }

    @Test
    void servesFramesInOrderThenRepeatsTheLast() {
        List<List<GpuSnapshot>> frames = List.of(List.of(gpu(0, 900)), List.of(gpu(0, 400)), List.of(gpu(0, 100)));
        ScriptedGpuMonitor monitor = new ScriptedGpuMonitor(frames);
        assertEquals(frames.get(0), monitor.snapshot());
        assertEquals(frames.get(1), monitor.snapshot());
        assertEquals(frames.get(2), monitor.snapshot());
        assertEquals(frames.get(2), monitor.snapshot());
        assertEquals(4, monitor.served());
    }

    @Test
    void freeBytesReadsTheNextFrameAsAMemorySource() {
        ScriptedGpuMonitor monitor = new ScriptedGpuMonitor(List.of(
                List.of(gpu(0, 900), gpu(1, 800)), List.of(gpu(0, 300), gpu(1, 200))));
        java.util.function.IntToLongFunction memorySource = monitor::freeBytes;
        assertEquals(800, memorySource.applyAsLong(1));
        assertEquals(300, memorySource.applyAsLong(0));
        GpuTelemetryException e = assertThrows(GpuTelemetryException.class, () -> monitor.freeBytes(7));
        assertTrue(e.getMessage().contains("GPU 7"), e.getMessage());
    }

    @Test
    void rejectsAnEmptyScriptAndAFrameWithOneGpuTwice() {
        assertThrows(IllegalArgumentException.class, () -> new ScriptedGpuMonitor(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ScriptedGpuMonitor(List.of(List.of(gpu(0, 1)), List.of(gpu(2, 1), gpu(2, 5)))));
        assertTrue(e.getMessage().contains("frame 1") && e.getMessage().contains("GPU 2"), e.getMessage());
    }

    @Test
    void closedScriptThrows() {
        ScriptedGpuMonitor monitor = new ScriptedGpuMonitor(List.of(List.of(gpu(0, 1))));
        monitor.close();
        assertThrows(GpuTelemetryException.class, monitor::snapshot);
    }

    @Test
    void unavailableMonitorReportsItsReasonAndNoGpu() {
        GpuMonitor monitor = GpuMonitor.unavailable("libnvidia-ml.so.1 not found");
        assertEquals("libnvidia-ml.so.1 not found", monitor.unavailableReason());
        assertEquals(List.of(), monitor.snapshot());
        assertTrue(GpuMonitor.unavailable(" ").unavailableReason().length() > 0);
    }
}
