package dev.matting.scheduler;

import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One lane's knowledge of its device memory: the measured bytes per image of each shape, the batch caps it lowered
 * after running out of memory, and the bytes its own batches left in the engine's cache. Calibration and
 * {@link #batchCap} run on the lane thread only; the dispatcher reads {@link #plannedCap} from its own thread.
 */
final class MemoryPlanner {
    /** Extra images in the second calibration pass; the per-image cost is the drop between the two passes. */
    private static final int CALIBRATION_BATCH = 2;

    private final BatchBackend backend;
    private final Device device;
    private final MemorySource source;
    private final VramBudget budget;
    private final int maxBatchSize;
    private final long baselineFree;
    /** Lanes on this device (each with its own model copy): each plans with its share of what is free. */
    private final int sharing;
    /** Held while calibrating, shared by the planners of one device: one lane's pass would skew another's reading. */
    private final Object deviceLock;
    private final Map<ModelInput.Shape, Long> bytesPerImage = new ConcurrentHashMap<>();
    private final Map<ModelInput.Shape, Integer> oomCaps = new ConcurrentHashMap<>();
    private final Map<ModelInput.Shape, Integer> plannedCaps = new ConcurrentHashMap<>();
    private final Map<ModelInput.Shape, Integer> cleanRunsAtCap = new ConcurrentHashMap<>();

    /**
     * Clean batches at a lowered cap before it rises by one image: halve on OOM, creep back up (as TCP does), so a
     * device that frees memory later (another process ended) is used again, at the price of a rare retried batch.
     */
    static final int REGROW_AFTER = 32;
    /**
     * Bytes the engine's caching allocator holds for this lane's earlier batches: the driver counts them as used, but
     * the next batch reuses them, so they are added back to the free memory. Zero after every release.
     */
    private long cachedBytes;

    MemoryPlanner(BatchBackend backend, MemorySource source, VramBudget budget, int maxBatchSize) {
        this(backend, source, budget, maxBatchSize, 1, new Object());
    }

    /** A planner for one of {@code sharing} lanes on the same device, which all hold {@code deviceLock}. */
    MemoryPlanner(BatchBackend backend, MemorySource source, VramBudget budget, int maxBatchSize, int sharing,
            Object deviceLock) {
        if (sharing < 1) {
            throw new IllegalArgumentException("sharing must be at least 1, got " + sharing);
        }
        this.sharing = sharing;
        this.deviceLock = deviceLock;
        this.backend = backend;
        this.device = backend.device();
        this.source = source;
        this.budget = budget;
        this.maxBatchSize = maxBatchSize;
        this.baselineFree = source.freeBytes(device);
    }

    boolean isCalibrated(ModelInput.Shape shape) {
        return bytesPerImage.containsKey(shape);
    }

    /**
     * Learns the bytes per image of {@code sample}'s shape: releases the cache, runs blank batches of 1 and
     * {@value #CALIBRATION_BATCH} and takes the drop in free memory per extra image. Where memory cannot be measured
     * or did not move the cost stays unknown, and batches are bounded by the maximum batch size and OOM recovery.
     *
     * <p>Why the driver's free memory and not the engine's allocation counter: on PyTorch CUDA (H100, unet-tiny,
     * 384-1536 px) the caching allocator reserved about twice the peak it allocated per image, and the reserved bytes
     * are what runs out. The drop between passes of 1 and 2 predicted the reservation after a pass of 4 to within
     * +13 % / -12 %, and a second pass of 4 grew the cache by 0 bytes (so cached bytes are rightly counted as free).
     */
    void calibrate(ModelInput sample) {
        ModelInput.Shape shape = sample.shape();
        if (isCalibrated(shape)) {
            return;
        }
        synchronized (deviceLock) {
            long measured = maxBatchSize > 1 ? measure(sample) : MemorySource.UNKNOWN;
            bytesPerImage.put(shape, measured > 0 ? measured : MemorySource.UNKNOWN);
        }
    }

    private long measure(ModelInput sample) {
        ModelInput.Shape shape = sample.shape();
        if (source.freeBytes(device) < 0) {
            return MemorySource.UNKNOWN;
        }
        release();
        long f0 = source.freeBytes(device);
        long f1;
        try {
            backend.run(blanks(sample, 1));
            f1 = source.freeBytes(device);
        } catch (DeviceOutOfMemoryException e) {
            release();
            lowerCap(shape, 1);
            return MemorySource.UNKNOWN;
        } catch (RuntimeException e) {
            // The first real batch of this shape will meet the same error and report it against its own request.
            return MemorySource.UNKNOWN;
        }
        long fk;
        try {
            backend.run(blanks(sample, CALIBRATION_BATCH));
            fk = source.freeBytes(device);
        } catch (DeviceOutOfMemoryException e) {
            release();
            lowerCap(shape, CALIBRATION_BATCH - 1);
            return f0 >= 0 && f1 >= 0 && f0 > f1 ? f0 - f1 : MemorySource.UNKNOWN;
        } catch (RuntimeException e) {
            return MemorySource.UNKNOWN;
        }
        if (f0 < 0 || f1 < 0 || fk < 0) {
            return MemorySource.UNKNOWN;
        }
        cachedBytes = Math.max(0, f0 - fk);
        long perImage = (f1 - fk) / (CALIBRATION_BATCH - 1);
        if (perImage > 0) {
            return perImage;
        }
        // The second pass fit in what the first one cached: the first pass's whole footprint is a safe upper bound.
        return f0 > f1 ? f0 - f1 : MemorySource.UNKNOWN;
    }

    private static List<ModelInput> blanks(ModelInput sample, int n) {
        int h = sample.height();
        int w = sample.width();
        List<ModelInput> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sample.isPixels() ? ModelInput.ofPixels(h, w, new byte[3 * h * w])
                    : ModelInput.ofValues(h, w, new float[3 * h * w]));
        }
        return out;
    }

    /** Reads free memory now and returns how many images of {@code shape} the next batch may hold. */
    int batchCap(ModelInput.Shape shape) {
        int cap = maxBatchSize;
        long bpi = bytesPerImage.getOrDefault(shape, MemorySource.UNKNOWN);
        if (bpi > 0) {
            long available = availableBytes();
            if (available != MemorySource.UNKNOWN) {
                cap = budget.batchCap(available, bpi, maxBatchSize);
            }
        }
        cap = Math.min(cap, oomCaps.getOrDefault(shape, maxBatchSize));
        plannedCaps.put(shape, cap);
        return cap;
    }

    /** The cap from the latest reading, for the dispatcher to size the next batch it hands this lane. */
    int plannedCap(ModelInput.Shape shape) {
        Integer planned = plannedCaps.get(shape);
        return planned != null ? planned : Math.min(maxBatchSize, oomCaps.getOrDefault(shape, maxBatchSize));
    }

    private long availableBytes() {
        long free = source.freeBytes(device);
        if (free < 0) {
            return budget.hasCap() ? budget.capBytes() : MemorySource.UNKNOWN;
        }
        long available = free + cachedBytes;
        if (budget.hasCap()) {
            long total = source.totalBytes(device);
            long used = total >= 0 ? total - free : Math.max(0, baselineFree - free);
            available = Math.min(available, budget.capBytes() - used + cachedBytes);
        }
        if (sharing > 1) {
            // What this lane's own cache holds is its own; the rest is split evenly with the device's other lanes.
            available = Math.max(0, available - cachedBytes) / sharing + cachedBytes;
        }
        return Math.max(0, available);
    }

    /** A batch of {@code n} ran: the cache now holds at least its footprint, and a lowered cap may creep back up. */
    void onSuccess(ModelInput.Shape shape, int n) {
        long bpi = bytesPerImage.getOrDefault(shape, MemorySource.UNKNOWN);
        if (bpi > 0) {
            cachedBytes = Math.max(cachedBytes, n * bpi);
        }
        Integer lowered = oomCaps.get(shape);
        if (lowered != null && n >= lowered && cleanRunsAtCap.merge(shape, 1, Integer::sum) >= REGROW_AFTER) {
            cleanRunsAtCap.remove(shape);
            if (lowered + 1 >= maxBatchSize) {
                oomCaps.remove(shape);
            } else {
                oomCaps.put(shape, lowered + 1);
            }
        }
    }

    /** A batch of {@code n} ran out of memory: give the cache back and, for a real batch, halve this shape's cap. */
    void onOutOfMemory(ModelInput.Shape shape, int n) {
        release();
        cleanRunsAtCap.remove(shape);
        if (n > 1) {
            lowerCap(shape, (n + 1) / 2);
        }
    }

    private void lowerCap(ModelInput.Shape shape, int cap) {
        oomCaps.merge(shape, Math.max(1, cap), Math::min);
        plannedCaps.merge(shape, Math.max(1, cap), Math::min);
    }

    private void release() {
        backend.releaseCachedMemory();
        cachedBytes = 0;
    }

    Map<ModelInput.Shape, Long> bytesPerImageSnapshot() {
        Map<ModelInput.Shape, Long> out = new java.util.HashMap<>(bytesPerImage);
        out.values().removeIf(v -> v <= 0);
        return out;
    }

    Map<ModelInput.Shape, Integer> oomCapsSnapshot() {
        return Map.copyOf(oomCaps);
    }
}
