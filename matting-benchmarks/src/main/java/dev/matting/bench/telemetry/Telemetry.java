package dev.matting.bench.telemetry;

import dev.matting.gpu.GpuMonitor;
import dev.matting.scheduler.MemorySource;
import java.util.Optional;

/**
 * Where the table runner gets GPU memory and utilisation while a row runs: the SDK's NVML monitor when a GPU
 * answers, else {@link #none()}.
 */
public interface Telemetry {

    /** Starts sampling; closing the returned recording stops it and gives the summary. */
    Recording start();

    /** The GPU this telemetry watches (name, driver), when there is one. */
    Optional<GpuInfo> gpu();

    /** Free and total device memory as the driver reports it now; unmeasured where there is no GPU to watch. */
    default MemorySource memory() {
        return MemorySource.unmeasured();
    }

    /** A sampling period in progress. */
    interface Recording extends AutoCloseable {
        /** Stops sampling and returns what was seen; empty figures when nothing could be measured. */
        TelemetrySummary stop();

        @Override
        default void close() {
            stop();
        }
    }

    /** Name and driver of the watched GPU. */
    record GpuInfo(String name, String driver, long totalMemoryBytes) {
    }

    /** Reports nothing: CPU-only machines, or when the GPU cannot be watched. */
    static Telemetry none() {
        return NoTelemetry.INSTANCE;
    }

    /** NVML sampling of GPU 0 when it answers, else {@link #none()}. */
    static Telemetry detect() {
        return NvmlTelemetry.probe(GpuMonitor.nvml(), 0).<Telemetry>map(t -> t).orElse(none());
    }
}
