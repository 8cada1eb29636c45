package dev.matting.api;

/**
 * Told about a {@link BatchJob}'s progress after each input's outcome, one call at a time, with counters that never
 * go back. Runs on the job's threads: keep it quick (render at most a few times a second). An exception it throws
 * is ignored, so a broken progress display never stops a job.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * Called after each input's outcome with the job's counters so far.
     *
     * @param progress the counters, which never go back from one call to the next
     */
    void onProgress(BatchProgress progress);
}
