package dev.matting.gpu;

import java.util.List;
import java.util.Objects;

/** The monitor of a machine without usable NVML: no readings, and the reason why. */
final class UnavailableGpuMonitor implements GpuMonitor {
    private final String reason;

    UnavailableGpuMonitor(String reason) {
        Objects.requireNonNull(reason, "reason");
        this.reason = reason.isBlank() ? "GPU telemetry unavailable" : reason;
    }

    @Override
    public List<GpuSnapshot> snapshot() {
        return List.of();
    }

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public String unavailableReason() {
        return reason;
    }

    @Override
    public void close() {
        // Holds nothing.
    }

    @Override
    public String toString() {
        return "GpuMonitor[unavailable: " + reason + "]";
    }
}
