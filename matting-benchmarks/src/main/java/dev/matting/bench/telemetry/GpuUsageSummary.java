package dev.matting.bench.telemetry;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a {@link GpuSampler} saw over one run: per GPU the mean and peak utilisation and the baseline and peak memory.
 *
 * @param available         whether the monitor could read GPUs at all
 * @param unavailableReason why not, or empty when available
 * @param elapsed           time from the sampler's start to its stop
 * @param samples           readings that succeeded
 * @param failedSamples     readings that threw (a GPU lost mid-run, a closed monitor)
 * @param lastFailure       the message of the last failed reading
 * @param gpus              one entry per GPU seen in any reading, by index
 */
public record GpuUsageSummary(boolean available, String unavailableReason, Duration elapsed, int samples,
        int failedSamples, Optional<String> lastFailure, List<GpuUsage> gpus) {

    public GpuUsageSummary {
        Objects.requireNonNull(unavailableReason, "unavailableReason");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(lastFailure, "lastFailure");
        gpus = List.copyOf(gpus);
        if (samples < 0 || failedSamples < 0) {
            throw new IllegalArgumentException("sample counts are negative: " + samples + ", " + failedSamples);
        }
    }

    /** The usage of GPU {@code index}, if it was seen. */
    public Optional<GpuUsage> gpu(int index) {
        return gpus.stream().filter(g -> g.index() == index).findFirst();
    }

    /**
     * One GPU over the run. Means are over the readings that reported the value (readings are equally spaced, so
     * this is also the time average); memory figures are in bytes.
     *
     * @param index                     NVML device index
     * @param name                      product name
     * @param samples                   readings that included this GPU
     * @param meanGpuUtilizationPercent mean GPU utilisation
     * @param peakGpuUtilizationPercent highest GPU utilisation
     * @param baselineMemoryUsedBytes   memory used at the first reading
     * @param peakMemoryUsedBytes       highest memory used
     * @param memoryTotalBytes          total device memory
     * @param meanPowerWatts            mean board power
     * @param peakPowerWatts            highest board power
     */
    public record GpuUsage(int index, String name, int samples, OptionalDouble meanGpuUtilizationPercent,
            OptionalInt peakGpuUtilizationPercent, OptionalLong baselineMemoryUsedBytes,
            OptionalLong peakMemoryUsedBytes, OptionalLong memoryTotalBytes, OptionalDouble meanPowerWatts,
            OptionalDouble peakPowerWatts) {

        public GpuUsage {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(meanGpuUtilizationPercent, "meanGpuUtilizationPercent");
            Objects.requireNonNull(peakGpuUtilizationPercent, "peakGpuUtilizationPercent");
            Objects.requireNonNull(baselineMemoryUsedBytes, "baselineMemoryUsedBytes");
            Objects.requireNonNull(peakMemoryUsedBytes, "peakMemoryUsedBytes");
            Objects.requireNonNull(memoryTotalBytes, "memoryTotalBytes");
            Objects.requireNonNull(meanPowerWatts, "meanPowerWatts");
            Objects.requireNonNull(peakPowerWatts, "peakPowerWatts");
        }

        /**
         * How far memory use rose above where it was at the first reading: what the run itself allocated, when
         * nothing else on the GPU changed meanwhile.
         */
        public OptionalLong peakMemoryAboveBaselineBytes() {
            if (peakMemoryUsedBytes.isEmpty() || baselineMemoryUsedBytes.isEmpty()) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(peakMemoryUsedBytes.getAsLong() - baselineMemoryUsedBytes.getAsLong());
        }
    }
}
