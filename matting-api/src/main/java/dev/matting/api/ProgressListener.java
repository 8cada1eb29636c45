package dev.matting.api;

/**
 * Told about a {@link BatchJob}'s progress after each input's outcome, one call at a time, with counters that never
 * go back. Runs on the job's threads: keep it quick (render at most a few times a second). An exception it throws
 * is ignored, so a broken progress display never stops a job.
 */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(BatchProgress progress);
}
