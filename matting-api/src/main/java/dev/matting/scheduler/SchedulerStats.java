package dev.matting.scheduler;

import dev.matting.common.Device;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerTimeoutException;
import dev.matting.spi.ModelInput;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable snapshot of a {@link MattingScheduler}'s counters. Every submitted request ends in exactly one of
 * succeeded, failed, cancelled or timed out; rejected requests were never submitted. Latency (submit to completion)
 * percentiles cover the most recent successful requests; throughput is successes per second since the build.
 *
 * @param queueDepth         requests waiting to be batched now
 * @param inFlightBatches    batches handed to lanes and not finished now
 * @param submitted          requests accepted into the queue
 * @param succeeded          requests completed with an alpha
 * @param failed             requests completed with an error other than a timeout (OOM, engine, shutdown)
 * @param cancelled          requests cancelled before they ran
 * @param timedOut           requests failed with {@link SchedulerTimeoutException}
 * @param rejected           submissions refused with {@link SchedulerRejectedException}
 * @param batchesRun         forward passes over requests (failed attempts included, calibration excluded)
 * @param batchSizeHistogram batch size to number of forward passes of that size, ascending by size
 * @param latencyP50         median submit-to-completion time of recent successes ({@link Duration#ZERO} when none)
 * @param latencyP95         95th percentile of the same
 * @param latencyP99         99th percentile of the same
 * @param imagesPerSecond    successes per second since the scheduler was built
 * @param oomRetries         out-of-memory errors recovered from by releasing memory, splitting or retrying
 * @param cpuFallbacks       images sent to the CPU fallback lane after running out of device memory
 * @param lanes              one entry per lane, in lane order
 */
public record SchedulerStats(int queueDepth, int inFlightBatches, long submitted, long succeeded, long failed,
        long cancelled, long timedOut, long rejected, long batchesRun, Map<Integer, Long> batchSizeHistogram,
        Duration latencyP50, Duration latencyP95, Duration latencyP99, double imagesPerSecond, long oomRetries,
        long cpuFallbacks, List<LaneStats> lanes) {

    /**
     * Copies the histogram (sorted by batch size) and the lanes.
     *
     * @throws NullPointerException when a latency is {@code null}
     */
    public SchedulerStats {
        batchSizeHistogram = Collections.unmodifiableMap(new TreeMap<>(batchSizeHistogram));
        Objects.requireNonNull(latencyP50, "latencyP50");
        Objects.requireNonNull(latencyP95, "latencyP95");
        Objects.requireNonNull(latencyP99, "latencyP99");
        lanes = List.copyOf(lanes);
    }

    /** Requests accepted and not yet finished. */
    public long pending() {
        return submitted - succeeded - failed - cancelled - timedOut;
    }

    /**
     * This snapshot with its request outcomes counted by someone in front of the scheduler: a {@code Matter} counts
     * its requests end to end (from the submit call to the finished matte, including those that never reached the
     * scheduler: decode errors, cancellations and timeouts before the forward pass). Everything else (queue, batches,
     * latency, throughput, memory, lanes) stays the scheduler's.
     */
    public SchedulerStats withRequestCounts(long submitted, long succeeded, long failed, long cancelled, long timedOut,
            long rejected) {
        return new SchedulerStats(queueDepth, inFlightBatches, submitted, succeeded, failed, cancelled, timedOut,
                rejected, batchesRun, batchSizeHistogram, latencyP50, latencyP95, latencyP99, imagesPerSecond,
                oomRetries, cpuFallbacks, lanes);
    }

    /**
     * One lane's counters and what it learned about memory.
     *
     * @param index         lane number (its thread is {@code matting-lane-<index>})
     * @param device        the device its backend runs on
     * @param batches       forward passes it ran over requests
     * @param images        images in those forward passes
     * @param bytesPerImage per shape, the calibrated (or estimated) device bytes one more image costs
     * @param oomCaps       per shape, the batch cap it lowered itself to after running out of memory
     */
    public record LaneStats(int index, Device device, long batches, long images,
            Map<ModelInput.Shape, Long> bytesPerImage, Map<ModelInput.Shape, Integer> oomCaps) {
        /**
         * Copies the two maps.
         *
         * @throws NullPointerException when {@code device} is {@code null}
         */
        public LaneStats {
            Objects.requireNonNull(device, "device");
            bytesPerImage = Map.copyOf(bytesPerImage);
            oomCaps = Map.copyOf(oomCaps);
        }
    }
}
