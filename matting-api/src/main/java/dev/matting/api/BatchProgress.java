package dev.matting.api;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of a {@link BatchJob}'s counters.
 *
 * @param succeeded       inputs matted (and written, in a folder job)
 * @param failed          inputs that failed alone, each with its reason
 * @param skipped         inputs not submitted because their output already existed
 * @param cancelled       inputs cancelled in flight
 * @param total           inputs the job will see, when known (a collection, a counted folder, or {@code total(n)})
 * @param elapsed         since the job started
 * @param imagesPerSecond inputs matted or failed per second of {@code elapsed} (skips take no time and are left out)
 */
public record BatchProgress(long succeeded, long failed, long skipped, long cancelled, OptionalLong total,
        Duration elapsed, double imagesPerSecond) {

    /** Inputs that have an outcome. */
    public long processed() {
        return succeeded + failed + skipped + cancelled;
    }

    /**
     * Time left at the current rate, when the total is known and the rate is not zero; skipped inputs are assumed to
     * take as long as the others, so it errs long.
     */
    public Optional<Duration> eta() {
        if (total.isEmpty() || imagesPerSecond <= 0) {
            return Optional.empty();
        }
        long left = Math.max(0, total.getAsLong() - processed());
        return Optional.of(Duration.ofMillis((long) Math.ceil(left * 1000 / imagesPerSecond)));
    }

    /** Fraction done in [0, 1], when the total is known. */
    public Optional<Double> fraction() {
        if (total.isEmpty()) {
            return Optional.empty();
        }
        long t = total.getAsLong();
        return Optional.of(t == 0 ? 1.0 : Math.min(1.0, (double) processed() / t));
    }
}
