package dev.matting.scheduler;

import dev.matting.common.SchedulerRejectedException;

/** What {@link MattingScheduler#submit} does when the queue is full. */
public enum Overflow {
    /** The submitting thread waits for queue space (back-pressure onto the producer). */
    BLOCK,
    /** The returned future fails at once with {@link SchedulerRejectedException}. */
    REJECT
}
