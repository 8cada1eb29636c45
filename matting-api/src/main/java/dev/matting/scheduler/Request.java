package dev.matting.scheduler;

import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One submitted image and the future its alpha goes to. Its state moves once out of {@code QUEUED}: to
 * {@code STARTED} when a lane puts it on the device, to {@code CANCELLED} by {@link #cancel}, or to {@code ABANDONED}
 * by a timeout or shutdown; whichever wins decides whether it ever runs.
 */
final class Request extends CompletableFuture<ModelOutput> {
    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int CANCELLED = 2;
    private static final int ABANDONED = 3;

    final long id;
    final ModelInput input;
    final ModelInput.Shape shape;
    /** What errors call the input (e.g. its file name); null when the submitter gave none. */
    final String label;
    final long submittedAt;
    final long deadline;
    private final DefaultMattingScheduler owner;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final AtomicBoolean settled = new AtomicBoolean();

    /** When it joined its shape's queue; guarded by the scheduler's lock. */
    long enqueuedAt;
    /** Whether it sits in its shape's queue; guarded by the scheduler's lock. */
    boolean inQueue;
    /** Whether a single-image out-of-memory retry was spent; touched by one lane thread at a time. */
    boolean oomRetried;

    Request(DefaultMattingScheduler owner, long id, ModelInput input, String label, long submittedAt, long deadline) {
        this.owner = owner;
        this.id = id;
        this.input = input;
        this.label = label;
        this.shape = input.shape();
        this.submittedAt = submittedAt;
        this.deadline = deadline;
    }

    boolean hasDeadline() {
        return deadline != Long.MAX_VALUE;
    }

    /** Claims it for a forward pass; false if it was cancelled, abandoned or completed from outside meanwhile. */
    boolean tryStart() {
        return !isDone() && state.compareAndSet(QUEUED, STARTED);
    }

    /** Claims it for a timeout or shutdown before it runs; false once it started or was cancelled. */
    boolean tryAbandon() {
        return state.compareAndSet(QUEUED, ABANDONED);
    }

    /**
     * Claims the right to complete it from inside the scheduler (a lane's alpha, a timeout, a shutdown may race):
     * the winner counts it in the stats before completing, so a caller who sees it done also sees it counted.
     */
    boolean settle() {
        return settled.compareAndSet(false, true) && !isDone();
    }

    boolean started() {
        return state.get() == STARTED;
    }

    /**
     * Cancels only a request that has not started on a device, which then never runs; returns {@code false} once it
     * has started (a forward pass cannot be interrupted) and the future completes as usual. The request leaves its
     * queue and is counted before the future completes, so a caller who sees it cancelled sees both.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!state.compareAndSet(QUEUED, CANCELLED)) {
            return false;
        }
        owner.onCancelled(this);
        if (!settled.compareAndSet(false, true)) {
            return isCancelled(); // a shutdown is failing it at this moment: it ends with that error instead
        }
        owner.stats.cancelled.increment();
        return super.cancel(mayInterruptIfRunning);
    }

    /** Names the input as errors should: its number, its label when it has one, and its shape. */
    @Override
    public String toString() {
        return "request #" + id + (label == null ? "" : " for '" + label + "'") + " (" + shape + " input)";
    }
}
