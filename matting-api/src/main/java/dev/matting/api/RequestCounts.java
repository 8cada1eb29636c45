package dev.matting.api;

import dev.matting.scheduler.SchedulerStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link PipelineMatter}'s request outcomes, end to end: every submitted request ends in exactly one of succeeded,
 * failed, cancelled or timed out; rejected ones were never submitted. They replace the scheduler's request counters
 * in {@link Matter#stats()}, since many requests end before they reach the scheduler (decode errors, cancellations and
 * timeouts while decoding) or after it (post-processing), and a cancel the scheduler could not honour still ends the
 * request for its caller.
 */
final class RequestCounts {
    private final LongAdder submitted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    void submitted() {
        submitted.increment();
    }

    void ended(MatteCall.Outcome outcome) {
        switch (outcome) {
            case SUCCEEDED -> succeeded.increment();
            case FAILED -> failed.increment();
            case CANCELLED -> cancelled.increment();
            case TIMED_OUT -> timedOut.increment();
            case REJECTED -> rejected.increment();
        }
    }

    /** The scheduler's snapshot with these counts in place of its own. */
    SchedulerStats applyTo(SchedulerStats scheduler) {
        // Read the outcomes before the submissions, so that a request ending meanwhile never shows as negative pending.
        long ok = succeeded.sum();
        long bad = failed.sum();
        long gone = cancelled.sum();
        long late = timedOut.sum();
        long refused = rejected.sum();
        return scheduler.withRequestCounts(submitted.sum(), ok, bad, gone, late, refused);
    }
}
