package dev.matting.gpu;

import dev.matting.common.GpuTelemetryException;
import java.util.List;
import java.util.Optional;

/**
 * Reads GPU telemetry (memory, utilisation, temperature, power) per device.
 *
 * <p>Obtain one with {@link #nvml()}, which never fails: on a machine without the NVIDIA driver it returns a monitor
 * that is not {@link #available()} and says why. Implementations are thread-safe. Close the monitor when done; a
 * closed monitor throws {@link GpuTelemetryException} on every reading.
 */
public interface GpuMonitor extends AutoCloseable {

    /** One snapshot per visible GPU, ordered by index; empty when the monitor is unavailable. */
    List<GpuSnapshot> snapshot();

    /** The snapshot of GPU {@code index}, or empty when there is no such GPU or the monitor is unavailable. */
    default Optional<GpuSnapshot> snapshot(int index) {
        return snapshot().stream().filter(s -> s.index() == index).findFirst();
    }

    /** Whether real readings can be taken; only the monitor for a machine without NVML says no. */
    default boolean available() {
        return true;
    }

    /** Why readings cannot be taken; empty when {@link #available()}. */
    default String unavailableReason() {
        return "";
    }

    /**
     * Free device memory of GPU {@code gpuIndex} in bytes: the one-method memory source a scheduler sizes batches
     * with ({@code monitor::freeBytes}).
     *
     * @throws GpuTelemetryException when the monitor is unavailable or closed, there is no such GPU, or the device
     *                               does not report memory
     */
    default long freeBytes(int gpuIndex) {
        if (!available()) {
            throw new GpuTelemetryException("cannot read free memory of GPU " + gpuIndex + ": " + unavailableReason());
        }
        GpuSnapshot s = snapshot(gpuIndex).orElseThrow(() -> new GpuTelemetryException(
                "cannot read free memory of GPU " + gpuIndex + ": no such GPU"));
        if (!s.hasMemoryInfo()) {
            throw new GpuTelemetryException("cannot read free memory of GPU " + gpuIndex + " (" + s.name()
                    + "): the device does not report memory");
        }
        return s.memoryFreeBytes();
    }

    /** What {@code /api/system-status} answers, read now. */
    default SystemStatus systemStatus() {
        return SystemStatus.of(this);
    }

    /** Releases the driver library; idempotent. */
    @Override
    void close();

    /**
     * A monitor backed by NVML ({@code libnvidia-ml.so.1} on Linux, {@code nvml.dll} on Windows). Never throws: when
     * the library, the driver or the JNA jar is missing, or {@code nvmlInit} fails, the result is
     * {@link #unavailable(String)} with the reason. The system property {@code dev.matting.nvml.library} names a
     * library file to try first.
     */
    static GpuMonitor nvml() {
        return NvmlGpuMonitor.open();
    }

    /** A monitor that has no GPU to report on, for {@code reason}. */
    static GpuMonitor unavailable(String reason) {
        return new UnavailableGpuMonitor(reason);
    }

}
