package dev.matting.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.GpuTelemetryException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NvmlGpuMonitorTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static FakeNvml.FakeDevice fullDevice(String name, long total, long used) {
        FakeNvml.FakeDevice d = new FakeNvml.FakeDevice();
        d.name = name;
        d.reserved = 480L << 20;
        d.memory = new long[] {total, total - used - d.reserved, used};
        d.utilization = new int[] {42, 7};
        d.temperature = 33;
        d.powerMilliwatts = 71_250;
        d.powerLimitMilliwatts = 700_000;
        return d;
    }

    @Test
    void nvmlFactoryNeverThrowsAndExplainsItselfWhenUnavailable() {
        try (GpuMonitor monitor = GpuMonitor.nvml()) {
            assertEquals(monitor.available(), monitor.unavailableReason().isEmpty(), monitor.unavailableReason());
            if (!monitor.available()) {
                assertEquals(List.of(), monitor.snapshot());
                assertFalse(monitor.systemStatus().available());
            }
        }
    }

    @Test
    void missingLibraryGivesUnavailableMonitorNamingWhatWasTried() {
        try (GpuMonitor monitor = NvmlGpuMonitor.open(List.of("no-such-nvml-lib-xyz"), CLOCK)) {
            assertFalse(monitor.available());
            assertTrue(monitor.unavailableReason().contains("no-such-nvml-lib-xyz"), monitor.unavailableReason());
            assertEquals(List.of(), monitor.snapshot());
            assertEquals(Optional.empty(), monitor.snapshot(0));
            GpuTelemetryException e = assertThrows(GpuTelemetryException.class, () -> monitor.freeBytes(0));
            assertTrue(e.getMessage().contains("GPU 0") && e.getMessage().contains("no-such-nvml-lib-xyz"),
                    e.getMessage());
        }
    }

    @Test
    void failedInitGivesUnavailableWithTheNvmlErrorName() {
        FakeNvml lib = new FakeNvml();
        lib.results.put("nvmlInit_v2", NvmlError.DRIVER_NOT_LOADED.code());
        GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK);
        assertFalse(monitor.available());
        assertTrue(monitor.unavailableReason().contains("NVML_ERROR_DRIVER_NOT_LOADED (9)"),
                monitor.unavailableReason());
        assertEquals(0, lib.shutdownCalls, "a failed init must not be paired with a shutdown");
    }

    @Test
    void failedDeviceCountShutsNvmlDownAgain() {
        FakeNvml lib = new FakeNvml();
        lib.results.put("nvmlDeviceGetCount_v2", NvmlError.UNKNOWN.code());
        GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK);
        assertFalse(monitor.available());
        assertTrue(monitor.unavailableReason().contains("nvmlDeviceGetCount_v2"), monitor.unavailableReason());
        assertEquals(lib.initCalls, lib.shutdownCalls);
    }

    @Test
    void noDevicesIsUnavailable() {
        FakeNvml lib = new FakeNvml();
        GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK);
        assertFalse(monitor.available());
        assertEquals(1, lib.shutdownCalls);
    }

    @Test
    void readsEveryFieldAndConvertsMilliwattsToWatts() {
        FakeNvml lib = new FakeNvml();
        long total = 80L << 30;
        long used = 3L << 30;
        lib.devices.add(fullDevice("Fake H100", total, used));
        try (GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK)) {
            assertTrue(monitor.available());
            GpuSnapshot s = monitor.snapshot(0).orElseThrow();
            assertEquals("Fake H100", s.name());
            assertEquals(Optional.of(lib.devices.get(0).uuid), s.uuid());
            assertEquals(total, s.memoryTotalBytes());
            long free = total - used - lib.devices.get(0).reserved;
            assertEquals(free, s.memoryFreeBytes());
            assertEquals(used, s.memoryUsedBytes(), "used leaves out the driver's reserve when the driver says it");
            assertEquals(42, s.gpuUtilizationPercent().getAsInt());
            assertEquals(7, s.memoryUtilizationPercent().getAsInt());
            assertEquals(33, s.temperatureCelsius().getAsInt());
            assertEquals(71.25, s.powerWatts().getAsDouble(), 1e-9);
            assertEquals(700.0, s.powerLimitWatts().getAsDouble(), 1e-9);
            assertEquals(lib.driverVersion, s.driverVersion());
            assertEquals(NOW, s.timestamp());
            assertEquals(free, monitor.freeBytes(0));
        }
    }

    @Test
    void aDriverWithoutTheV2MemoryQueryFallsBackToV1AndStopsAsking() {
        FakeNvml lib = new FakeNvml();
        FakeNvml.FakeDevice d = fullDevice("old driver", 16L << 30, 1L << 30);
        d.memoryV2Missing = true;
        lib.devices.add(d);
        try (GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK)) {
            GpuSnapshot first = monitor.snapshot().get(0);
            GpuSnapshot second = monitor.snapshot().get(0);
            assertEquals(d.memory[2] + d.reserved, first.memoryUsedBytes(), "v1 counts the reserve as used");
            assertEquals(d.memory[1], first.memoryFreeBytes());
            assertEquals(first.memoryUsedBytes(), second.memoryUsedBytes());
            assertEquals(1, d.memoryV2Calls);
        }
    }

    @Test
    void queriesTheDeviceRefusesLeaveFieldsAbsent() {
        FakeNvml lib = new FakeNvml();
        FakeNvml.FakeDevice d = new FakeNvml.FakeDevice();
        d.powerFunctionMissing = true;
        lib.devices.add(d);
        try (GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK)) {
            GpuSnapshot s = monitor.snapshot().get(0);
            assertFalse(s.hasMemoryInfo());
            assertEquals(GpuSnapshot.UNKNOWN, s.memoryFreeBytes());
            assertTrue(s.gpuUtilizationPercent().isEmpty());
            assertTrue(s.memoryUtilizationPercent().isEmpty());
            assertTrue(s.temperatureCelsius().isEmpty());
            assertTrue(s.powerWatts().isEmpty());
            assertTrue(s.powerLimitWatts().isEmpty());
            GpuTelemetryException e = assertThrows(GpuTelemetryException.class, () -> monitor.freeBytes(0));
            assertTrue(e.getMessage().contains("does not report memory"), e.getMessage());
        }
    }

    @Test
    void aDeviceWeMayNotOpenIsSkippedAndTheOthersKeepTheirIndex() {
        FakeNvml lib = new FakeNvml();
        FakeNvml.FakeDevice hidden = fullDevice("hidden", 1L << 30, 0);
        hidden.handleResult = NvmlError.NO_PERMISSION.code();
        lib.devices.add(hidden);
        lib.devices.add(fullDevice("visible", 2L << 30, 1L << 20));
        try (GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK)) {
            List<GpuSnapshot> all = monitor.snapshot();
            assertEquals(1, all.size());
            assertEquals(1, all.get(0).index());
            assertEquals("visible", all.get(0).name());
            assertEquals(Optional.empty(), monitor.snapshot(0));
            assertThrows(GpuTelemetryException.class, () -> monitor.freeBytes(0));
        }
    }

    @Test
    void everyDeviceHiddenIsUnavailableWithTheFirstReason() {
        FakeNvml lib = new FakeNvml();
        FakeNvml.FakeDevice hidden = fullDevice("hidden", 1L << 30, 0);
        hidden.handleResult = NvmlError.NO_PERMISSION.code();
        lib.devices.add(hidden);
        GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK);
        assertFalse(monitor.available());
        assertTrue(monitor.unavailableReason().contains("NVML_ERROR_NO_PERMISSION"), monitor.unavailableReason());
    }

    @Test
    void closeShutsDownOnceAndLaterReadingsThrow() {
        FakeNvml lib = new FakeNvml();
        lib.devices.add(fullDevice("gpu", 1L << 30, 0));
        GpuMonitor monitor = NvmlGpuMonitor.open(lib, CLOCK);
        monitor.close();
        monitor.close();
        assertEquals(1, lib.shutdownCalls);
        assertThrows(GpuTelemetryException.class, monitor::snapshot);
        assertThrows(GpuTelemetryException.class, () -> monitor.snapshot(0));
        assertFalse(monitor.systemStatus().available());
    }

    @Test
    void errorCodesMapToTheirHeaderNamesAndUnknownCodesAskTheDriver() {
        FakeNvml lib = new FakeNvml();
        assertTrue(NvmlGpuMonitor.describe(lib, 15).startsWith("NVML_ERROR_GPU_IS_LOST (15)"));
        assertTrue(NvmlGpuMonitor.describe(lib, 999).startsWith("NVML_ERROR_UNKNOWN (999)"));
        assertEquals("NVML error 4242: fake driver text for 4242", NvmlGpuMonitor.describe(lib, 4242));
        for (NvmlError e : NvmlError.values()) {
            assertEquals(e, NvmlError.of(e.code()));
        }
        assertNotEquals(NvmlError.describe(3), NvmlError.describe(4));
    }

    @Test
    void cStringStopsAtTheFirstNul() {
        byte[] b = new byte[8];
        b[0] = 'a';
        b[1] = 'b';
        assertEquals("ab", NvmlGpuMonitor.cString(b));
        assertEquals("", NvmlGpuMonitor.cString(new byte[4]));
    }
}
