package dev.matting.bench.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.djl.PyTorchBackend;
import dev.matting.gpu.GpuMonitor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class DeviceBallastTest {

    @Test
    void theCpuIsRefusedWithTheReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> DeviceBallast.occupy(Device.cpu(), 1L << 20));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("CUDA"), e.getMessage());
    }

    @Test
    void aSizeBelowOneByteIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceBallast.occupy(Device.gpu(0), 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void aGpuTheEngineCannotSeeIsRefusedNamingWhatItSees() {
        Device missing = Device.gpu(new PyTorchBackend().devices().size() + 7);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> DeviceBallast.occupy(missing, 1L << 20));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("PyTorch"), e.getMessage());
    }

    @Test
    @Tag("gpu")
    void theDriverSeesTheMemoryTakenUntilClosed() {
        Device gpu = Device.gpu(0);
        assumeTrue(new PyTorchBackend().devices().contains(gpu), "no CUDA device visible to PyTorch");
        long gib = 1L << 30;
        try (GpuMonitor nvml = GpuMonitor.nvml()) {
            assumeTrue(nvml.available(), "NVML unavailable");
            long before = nvml.freeBytes(0);
            DeviceBallast ballast = DeviceBallast.occupy(gpu, 2 * gib);
            long during = nvml.freeBytes(0);
            ballast.close();
            ballast.close(); // idempotent
            long after = nvml.freeBytes(0);
            assertEquals(2 * gib, ballast.bytes());
            assertTrue(before - during >= 2 * gib, "free " + before + " -> " + during);
            assertTrue(after - during >= 2 * gib - (64L << 20), "free after close " + after + ", during " + during);
        }
    }
}
