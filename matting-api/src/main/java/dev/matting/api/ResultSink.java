package dev.matting.api;

/**
 * Receives each input's outcome from a {@link BatchJob}, once per input that was fed. Called from the job's own
 * threads ({@code matting-batch-N}): concurrently with {@link ResultOrder#COMPLETION}, so it must be thread-safe;
 * one call at a time, in input order, with {@link ResultOrder#INPUT}. An exception thrown for an {@code OK} item
 * turns that item into a failure (counted, reported); the job goes on.
 */
@FunctionalInterface
public interface ResultSink {
    /**
     * Takes one input's outcome.
     *
     * @param item the outcome: its matte, or why there is none
     * @throws Exception to turn an {@code OK} item into a failure; the job goes on
     */
    void accept(BatchItem item) throws Exception;
}
