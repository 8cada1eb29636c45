package dev.matting.bench.telemetry;

import dev.matting.gpu.GpuMonitor;
import dev.matting.scheduler.MemorySource;
import java.util.Optional;

/**
 * Samples one GPU every 100 ms through the SDK's own NVML monitor. Memory is the device-wide used memory (every
 * process, the CUDA context included), which is what decides an out-of-memory on a shared card.
 */
public final class NvmlTelemetry implements Telemetry {
    private final GpuMonitor monitor;
    private final int index;
    private final GpuInfo info;

    private NvmlTelemetry(GpuMonitor monitor, int index, GpuInfo info) {
        this.monitor = monitor;
        this.index = index;
        this.info = info;
    }

    /** The telemetry for GPU {@code index}, or empty when NVML is unavailable or sees no such GPU. */
    public static Optional<NvmlTelemetry> probe(GpuMonitor monitor, int index) {
        if (!monitor.available()) {
            return Optional.empty();
        }
        return monitor.snapshot(index).map(s -> new NvmlTelemetry(monitor, index,
                new GpuInfo(s.name(), s.driverVersion(), Math.max(0, s.memoryTotalBytes()))));
    }

    @Override
    public Optional<GpuInfo> gpu() {
        return Optional.of(info);
    }

    @Override
    public MemorySource memory() {
        return nvmlMemory(monitor);
    }

    /** Free and total bytes from NVML, {@link MemorySource#UNKNOWN} where NVML cannot say. */
    public static MemorySource nvmlMemory(GpuMonitor monitor) {
        return new MemorySource() {
            @Override
            public long freeBytes(dev.matting.common.Device device) {
                return device.isGpu() ? monitor.snapshot(device.index()).filter(s -> s.hasMemoryInfo())
                        .map(s -> s.memoryFreeBytes()).orElse(UNKNOWN) : UNKNOWN;
            }

            @Override
            public long totalBytes(dev.matting.common.Device device) {
                return device.isGpu() ? monitor.snapshot(device.index()).filter(s -> s.hasMemoryInfo())
                        .map(s -> s.memoryTotalBytes()).orElse(UNKNOWN) : UNKNOWN;
            }
        };
    }

    @Override
    public Recording start() {
        GpuSampler sampler = GpuSampler.start(monitor);
        return () -> {
            GpuUsageSummary summary = sampler.stop();
            return summary.gpu(index).map(u -> new TelemetrySummary(u.peakMemoryUsedBytes(),
                    u.meanGpuUtilizationPercent(), u.samples())).orElseGet(TelemetrySummary::empty);
        };
    }
}
