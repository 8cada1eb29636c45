package dev.matting.api;

import java.time.Duration;

/**
 * How a {@link BatchJob} ended.
 *
 * @param succeeded   inputs matted (and written, in a folder job)
 * @param failed      inputs that failed alone
 * @param skipped     inputs whose output already existed
 * @param cancelled   inputs cancelled in flight (inputs never fed after a cancel are not counted anywhere)
 * @param elapsed     from start to the last result
 * @param wasCancelled whether {@link BatchRun#cancel()} stopped the job before its inputs ran out
 */
public record BatchSummary(long succeeded, long failed, long skipped, long cancelled, Duration elapsed,
        boolean wasCancelled) {

    /** Inputs matted or failed per second of {@code elapsed}. */
    public double imagesPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : (succeeded + failed) / s;
    }

    /** Inputs that have an outcome. */
    public long processed() {
        return succeeded + failed + skipped + cancelled;
    }

    /** True when every input that was fed succeeded or was skipped, and the job ran to its end. */
    public boolean allSucceeded() {
        return failed == 0 && cancelled == 0 && !wasCancelled;
    }
}
