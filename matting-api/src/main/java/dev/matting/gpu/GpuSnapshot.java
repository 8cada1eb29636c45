package dev.matting.gpu;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What one GPU reported at one instant: identity, memory, utilisation, temperature, power.
 *
 * <p>A reading the device cannot give (NVML answers {@code NOT_SUPPORTED}, {@code NO_PERMISSION}, ...) is absent:
 * an empty optional, or {@link #UNKNOWN} ({@code -1}) for the three memory figures. Memory is a plain {@code long}
 * because every caller does arithmetic on it and NVML reports it on every device it supports; check
 * {@link #hasMemoryInfo()} before using it.
 *
 * @param index                    NVML device index (the order of {@code nvidia-smi}, which CUDA also uses unless
 *                                 {@code CUDA_DEVICE_ORDER} or {@code CUDA_VISIBLE_DEVICES} reorder it)
 * @param name                     product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param uuid                     {@code GPU-xxxxxxxx-...}, stable across reboots and index changes
 * @param memoryTotalBytes         installed device memory, or {@link #UNKNOWN}
 * @param memoryFreeBytes          memory not allocated by any context, or {@link #UNKNOWN}
 * @param memoryUsedBytes          memory allocated by all contexts, or {@link #UNKNOWN}; like {@code nvidia-smi}, this
 *                                 leaves out memory the driver reserves for itself when the driver can say how much
 *                                 (R510 and later), so free + used may fall short of total by that reserve
 * @param gpuUtilizationPercent    percent of the last sample period (1/6 s to 1 s) in which a kernel ran
 * @param memoryUtilizationPercent percent of the last sample period in which device memory was read or written
 * @param temperatureCelsius       on-die temperature
 * @param powerWatts               board power draw
 * @param powerLimitWatts          the power limit the driver enforces
 * @param driverVersion            NVIDIA driver version, e.g. {@code 570.86.15}; empty when unknown
 * @param timestamp                when the reading was taken
 */
public record GpuSnapshot(
        int index,
        String name,
        Optional<String> uuid,
        long memoryTotalBytes,
        long memoryFreeBytes,
        long memoryUsedBytes,
        OptionalInt gpuUtilizationPercent,
        OptionalInt memoryUtilizationPercent,
        OptionalInt temperatureCelsius,
        OptionalDouble powerWatts,
        OptionalDouble powerLimitWatts,
        String driverVersion,
        Instant timestamp) {

    /** The value of a memory figure the device did not report. */
    public static final long UNKNOWN = -1;

    /**
     * Checks the reading: a non-negative index, no {@code null} component, and memory figures of at least
     * {@link #UNKNOWN}.
     *
     * @throws IllegalArgumentException when the index or a memory figure is out of range
     */
    public GpuSnapshot {
        if (index < 0) {
            throw new IllegalArgumentException("GPU index " + index + " is negative");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(gpuUtilizationPercent, "gpuUtilizationPercent");
        Objects.requireNonNull(memoryUtilizationPercent, "memoryUtilizationPercent");
        Objects.requireNonNull(temperatureCelsius, "temperatureCelsius");
        Objects.requireNonNull(powerWatts, "powerWatts");
        Objects.requireNonNull(powerLimitWatts, "powerLimitWatts");
        Objects.requireNonNull(driverVersion, "driverVersion");
        Objects.requireNonNull(timestamp, "timestamp");
        for (long v : new long[] {memoryTotalBytes, memoryFreeBytes, memoryUsedBytes}) {
            if (v < UNKNOWN) {
                throw new IllegalArgumentException("GPU " + index + ": memory figure " + v + " is negative");
            }
        }
    }

    /** Whether the three memory figures were reported (they are {@link #UNKNOWN} otherwise). */
    public boolean hasMemoryInfo() {
        return memoryTotalBytes != UNKNOWN && memoryFreeBytes != UNKNOWN && memoryUsedBytes != UNKNOWN;
    }

    /** Used memory as a percentage of total, when both are known and total is positive. */
    public OptionalDouble memoryUsedPercent() {
        if (!hasMemoryInfo() || memoryTotalBytes == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * memoryUsedBytes / memoryTotalBytes);
    }

    /** A builder for device {@code index}; every reading starts absent and the timestamp at {@link Instant#EPOCH}. */
    public static Builder builder(int index) {
        return new Builder(index);
    }

    /** Builds a {@link GpuSnapshot}; used by monitors and by tests that script telemetry. */
    public static final class Builder {
        private final int index;
        private String name = "";
        private Optional<String> uuid = Optional.empty();
        private long total = UNKNOWN;
        private long free = UNKNOWN;
        private long used = UNKNOWN;
        private OptionalInt gpuUtil = OptionalInt.empty();
        private OptionalInt memUtil = OptionalInt.empty();
        private OptionalInt temperature = OptionalInt.empty();
        private OptionalDouble power = OptionalDouble.empty();
        private OptionalDouble powerLimit = OptionalDouble.empty();
        private String driverVersion = "";
        private Instant timestamp = Instant.EPOCH;

        private Builder(int index) {
            this.index = index;
        }

        /** Sets the product name, e.g. {@code NVIDIA H100 80GB HBM3} (default empty). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Sets the UUID, {@code GPU-xxxxxxxx-...} (default absent). */
        public Builder uuid(String uuid) {
            this.uuid = Optional.of(uuid);
            return this;
        }

        /** Sets total, free and used memory in bytes. */
        public Builder memory(long totalBytes, long freeBytes, long usedBytes) {
            this.total = totalBytes;
            this.free = freeBytes;
            this.used = usedBytes;
            return this;
        }

        /** Sets used memory and derives free from total (the script form tests like most). */
        public Builder memoryUsed(long usedBytes, long totalBytes) {
            return memory(totalBytes, totalBytes - usedBytes, usedBytes);
        }

        /**
         * Sets GPU and memory utilisation, each a percentage 0-100.
         *
         * @throws IllegalArgumentException when a percentage is outside 0..100
         */
        public Builder utilization(int gpuPercent, int memoryPercent) {
            this.gpuUtil = OptionalInt.of(percent(gpuPercent));
            this.memUtil = OptionalInt.of(percent(memoryPercent));
            return this;
        }

        /**
         * Sets GPU utilisation, a percentage 0-100.
         *
         * @throws IllegalArgumentException when it is outside 0..100
         */
        public Builder gpuUtilization(int gpuPercent) {
            this.gpuUtil = OptionalInt.of(percent(gpuPercent));
            return this;
        }

        /**
         * Sets memory utilisation, a percentage 0-100.
         *
         * @throws IllegalArgumentException when it is outside 0..100
         */
        public Builder memoryUtilization(int memoryPercent) {
            this.memUtil = OptionalInt.of(percent(memoryPercent));
            return this;
        }

        /** Sets the on-die temperature in degrees Celsius. */
        public Builder temperatureCelsius(int celsius) {
            this.temperature = OptionalInt.of(celsius);
            return this;
        }

        /** Sets the board power draw in watts. */
        public Builder powerWatts(double watts) {
            this.power = OptionalDouble.of(watts);
            return this;
        }

        /** Sets the power limit the driver enforces, in watts. */
        public Builder powerLimitWatts(double watts) {
            this.powerLimit = OptionalDouble.of(watts);
            return this;
        }

        /** Sets the NVIDIA driver version, e.g. {@code 570.86.15} (default empty: unknown). */
        public Builder driverVersion(String version) {
            this.driverVersion = Objects.requireNonNull(version, "driverVersion");
            return this;
        }

        /** Sets when the reading was taken (default {@link Instant#EPOCH}). */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        /**
         * The snapshot with the readings set so far; those never set are absent.
         *
         * @throws IllegalArgumentException when a memory figure is below {@link GpuSnapshot#UNKNOWN}
         */
        public GpuSnapshot build() {
            return new GpuSnapshot(index, name, uuid, total, free, used, gpuUtil, memUtil, temperature, power,
                    powerLimit, driverVersion, timestamp);
        }

        private int percent(int p) {
            if (p < 0 || p > 100) {
                throw new IllegalArgumentException("GPU " + index + ": utilisation " + p + "% is outside 0..100");
            }
            return p;
        }
    }
}
