package dev.matting.scheduler;

/**
 * How much of a device's free memory batches may plan to use: {@code floor(available * safetyFraction) - reserveBytes},
 * where available is the free memory, or, with a cap, the smaller of that and the cap minus what the device already
 * uses (so {@code withCapBytes(24 GiB)} makes an 80 GiB card behave like a 24 GiB one).
 *
 * @param safetyFraction share of the available bytes to plan with, in (0, 1]
 * @param reserveBytes   bytes always left free (workspace, fragmentation), {@code >= 0}
 * @param capBytes       the emulated device size in bytes, or 0 for none
 */
public record VramBudget(double safetyFraction, long reserveBytes, long capBytes) {
    private static final long MIB = 1024L * 1024;

    /**
     * Checks the three values.
     *
     * @throws IllegalArgumentException when the fraction is outside (0, 1] or a byte count is negative
     */
    public VramBudget {
        if (!(safetyFraction > 0 && safetyFraction <= 1)) {
            throw new IllegalArgumentException("safety fraction must be in (0, 1], got " + safetyFraction);
        }
        if (reserveBytes < 0) {
            throw new IllegalArgumentException("reserve bytes must be >= 0, got " + reserveBytes);
        }
        if (capBytes < 0) {
            throw new IllegalArgumentException("cap bytes must be >= 0 (0 = no cap), got " + capBytes);
        }
    }

    /** 85 % of free memory, minus 512 MiB, no cap. */
    public static VramBudget defaults() {
        return new VramBudget(0.85, 512 * MIB, 0);
    }

    /** This budget planning with another share, in (0, 1], of the available bytes. */
    public VramBudget withSafetyFraction(double fraction) {
        return new VramBudget(fraction, reserveBytes, capBytes);
    }

    /** This budget always leaving another number of bytes free ({@code >= 0}). */
    public VramBudget withReserveBytes(long bytes) {
        return new VramBudget(safetyFraction, bytes, capBytes);
    }

    /** Plans as if the device had only {@code bytes} in total. */
    public VramBudget withCapBytes(long bytes) {
        return new VramBudget(safetyFraction, reserveBytes, bytes);
    }

    /** Whether a cap makes the device plan as a smaller one ({@code capBytes > 0}). */
    public boolean hasCap() {
        return capBytes > 0;
    }

    /** Bytes batches may use out of {@code availableBytes}; never negative. */
    public long usableBytes(long availableBytes) {
        if (availableBytes <= 0) {
            return 0;
        }
        return Math.max(0, (long) Math.floor(availableBytes * safetyFraction) - reserveBytes);
    }

    /**
     * The largest batch whose images fit in the usable part of {@code availableBytes}, clamped to
     * {@code [1, maxBatchSize]}: one image always runs, and out-of-memory recovery handles it when it does not fit.
     */
    public int batchCap(long availableBytes, long bytesPerImage, int maxBatchSize) {
        if (bytesPerImage <= 0) {
            throw new IllegalArgumentException("bytes per image must be > 0, got " + bytesPerImage);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max batch size must be >= 1, got " + maxBatchSize);
        }
        long fits = usableBytes(availableBytes) / bytesPerImage;
        return (int) Math.max(1, Math.min(maxBatchSize, fits));
    }
}
