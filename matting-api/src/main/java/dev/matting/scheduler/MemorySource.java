package dev.matting.scheduler;

import dev.matting.common.Device;

/**
 * Reads how much memory a device has free right now, as the driver reports it (NVML, {@code cudaMemGetInfo}): memory
 * an engine keeps cached counts as used, and the scheduler adds back what its own batches left in that cache.
 */
@FunctionalInterface
public interface MemorySource {

    /** Returned where a device's memory cannot be measured (the CPU, no driver). */
    long UNKNOWN = -1;

    /** Free bytes on {@code device} now, or {@link #UNKNOWN}. Called before every batch: keep it cheap. */
    long freeBytes(Device device);

    /**
     * Total bytes on {@code device}, or {@link #UNKNOWN}. With it a {@link VramBudget#capBytes() cap} counts everything
     * already in use on the device (weights, context, other processes); without it only what was used after the
     * scheduler started.
     */
    default long totalBytes(Device device) {
        return UNKNOWN;
    }

    /** A source that can measure nothing: batch sizes then come from the cap and the maximum batch size. */
    static MemorySource unmeasured() {
        return device -> UNKNOWN;
    }
}
