package dev.matting.api;

import java.time.Duration;
import java.util.Optional;

/** A started {@link BatchJob}: its progress, a way to stop it, and its summary once it ends. */
public interface BatchRun {

    /**
     * Stops feeding new inputs and cancels those in flight (each is reported {@link BatchItem.Status#CANCELLED},
     * unless it finished first); results that are already complete are still delivered and written. Returns at
     * once; {@link #await()} returns when the last delivery is done. Idempotent.
     */
    void cancel();

    /** Whether {@link #cancel()} was called. */
    boolean isCancelled();

    /** Whether every fed input has been delivered and the job is over. */
    boolean isDone();

    /** The counters now. */
    BatchProgress progress();

    /** Waits for the end and returns the summary. */
    BatchSummary await();

    /** Waits at most {@code timeout}; the summary when the job ended in time. */
    Optional<BatchSummary> await(Duration timeout);
}
