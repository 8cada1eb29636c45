package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.SchedulerRejectedException;
import dev.matting.common.SchedulerShutdownException;
import dev.matting.common.SchedulerTimeoutException;
import dev.matting.spi.ModelOutput;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request through a {@link PipelineMatter}, from the submit call to its result, and the future its caller holds.
 *
 * <p>It ends exactly once: succeeded, failed, cancelled, timed out, or rejected before it was admitted; whichever
 * way wins is counted in {@link RequestCounts} before anyone can see the future done. Ending early (cancel, timeout,
 * a close whose drain ran out) stops the work that has not started: a decode still waiting for a CPU worker never
 * runs, a request still queued in the scheduler leaves the queue and never runs, and no later stage starts. Work
 * already running (a decode, a forward pass, a post-process) finishes and its result is dropped; the request keeps
 * its place in the {@link Admission} until then, so what the pipeline holds stays bounded.
 *
 * <p>The stages themselves belong to {@link PipelineMatter}: each {@linkplain #enter enters} its stage first and
 * stops when the request has already ended.
 */
final class MatteCall extends CompletableFuture<Matte> {

    /** Where the request's work is; errors say it. */
    enum Stage {
        ADMITTING("waiting for room in the Matter"),
        WAITING_FOR_CPU("waiting for a CPU worker to decode it"),
        DECODING("being decoded and preprocessed"),
        ON_DEVICE("waiting for its forward pass"),
        AFTER_DEVICE("waiting for a CPU worker to post-process it"),
        POST_PROCESSING("being post-processed");

        final String description;

        Stage(String description) {
            this.description = description;
        }
    }

    /** How a request ended. */
    enum Outcome { SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, REJECTED }

    private final ImageSource source;
    private final long timeoutNanos;
    private final RequestCounts counts;
    private final Admission admission;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicBoolean workEnded = new AtomicBoolean();
    /** Taken once: by the decode task as it begins, or by a stop before it began (then it never will). */
    private final AtomicBoolean decodeClaimed = new AtomicBoolean();

    /** When its clock started ({@link System#nanoTime()}); set before it is shared. */
    private long startedAt;
    private volatile Stage stage = Stage.ADMITTING;
    private volatile Future<?> prepareTask;
    private volatile CompletableFuture<ModelOutput> inference;
    private volatile Future<?> timer;
    /** Where it was when a close abandoned it. */
    private volatile Stage abandonedAt;

    /**
     * @param startedAt    when its clock starts ({@link System#nanoTime()}); {@link #start} may restart it
     * @param timeoutNanos the request timeout, 0 for none
     */
    MatteCall(ImageSource source, long startedAt, long timeoutNanos, RequestCounts counts, Admission admission) {
        this.source = source;
        this.startedAt = startedAt;
        this.timeoutNanos = timeoutNanos;
        this.counts = counts;
        this.admission = admission;
    }

    ImageSource source() {
        return source;
    }

    /** Its deadline ({@link System#nanoTime()} based), or {@link Admission#NO_DEADLINE}. */
    long deadline() {
        if (timeoutNanos <= 0) {
            return Admission.NO_DEADLINE;
        }
        long d = startedAt + timeoutNanos;
        return d == Admission.NO_DEADLINE ? d - 1 : d;
    }

    // ---------------------------------------------------------------- the Matter drives these

    /**
     * It was admitted: counts it as submitted and arms its timeout on {@code timers}; {@code restartClock} starts its
     * clock now (a paced {@code matteAll} item's clock starts at admission, not at the call).
     */
    void start(ScheduledExecutorService timers, boolean restartClock) {
        if (restartClock) {
            startedAt = System.nanoTime();
        }
        counts.submitted();
        stage = Stage.WAITING_FOR_CPU;
        if (timeoutNanos > 0) {
            Future<?> t = timers.schedule(this::timeOut, deadline() - System.nanoTime(), TimeUnit.NANOSECONDS);
            timer = t;
            if (settled.get()) {
                t.cancel(false); // ended meanwhile: do not keep it (and what it holds) alive until the deadline
            }
        }
    }

    /** The decode task handed to the CPU pool; dropped from the pool's queue at once if the request ended meanwhile. */
    void prepareTask(Future<?> task) {
        prepareTask = task;
        if (settled.get()) {
            task.cancel(false);
        }
    }

    /**
     * Called by the decode task as it begins: {@code false} when the request was stopped before (its work has ended)
     * or has ended meanwhile.
     */
    boolean beginDecode() {
        return decodeClaimed.compareAndSet(false, true) && enter(Stage.DECODING);
    }

    /** The scheduler's future for its forward pass; cancelled at once if the request ended meanwhile. */
    void inference(CompletableFuture<ModelOutput> alpha) {
        inference = alpha;
        if (settled.get()) {
            alpha.cancel(false);
        }
    }

    /**
     * Called by each stage before it starts: {@code false} (and its work counted as ended) when the request has
     * already ended, so that no stage starts for a request nobody waits for any more.
     */
    boolean enter(Stage next) {
        if (settled.get()) {
            endWork();
            return false;
        }
        stage = next;
        return true;
    }

    /** The last stage produced its matte: the work has ended, then the future completes. */
    void succeed(Matte matte) {
        endWork();
        complete(matte);
    }

    /** A stage failed: the work has ended, then the future fails. */
    void fail(RuntimeException error) {
        endWork();
        completeExceptionally(error);
    }

    /** Its forward pass is over and its post-processing waits for a worker. */
    void alphaArrived() {
        if (!settled.get()) {
            stage = Stage.AFTER_DEVICE;
        }
    }

    /** Not admitted: fails with {@link SchedulerRejectedException}; it never held a place. */
    void reject(String why) {
        if (settle(Outcome.REJECTED)) {
            super.completeExceptionally(new SchedulerRejectedException("'" + source.name() + "' rejected: " + why));
        }
    }

    /** Its deadline passed while it waited for room: it counts as submitted (its clock ran) and times out. */
    void timedOutWaitingForRoom() {
        counts.submitted();
        timeOut();
    }

    /** Its deadline passed: fails with {@link SchedulerTimeoutException} naming the input, the limit and the stage. */
    void timeOut() {
        if (!settle(Outcome.TIMED_OUT)) {
            return;
        }
        Stage at = stage;
        boolean leftQueue = stopWork();
        String where = at == Stage.ON_DEVICE && !leftQueue ? "in its forward pass, which runs to its end" : at.description;
        long elapsed = System.nanoTime() - startedAt;
        super.completeExceptionally(new SchedulerTimeoutException("'" + source.name()
                + "' did not complete within its request timeout of " + millis(timeoutNanos) + " ms ("
                + millis(elapsed) + " ms elapsed; it was still " + where + ")"));
    }

    /**
     * A close's drain ran out before it ended: claims its ending and stops its pending work, without completing it
     * yet, so that a close can stop every request before any caller's continuation runs.
     *
     * @return whether it was still going (then {@link #failAbandoned} must follow)
     */
    boolean abandon() {
        if (!settle(Outcome.FAILED)) {
            return false;
        }
        abandonedAt = stage;
        stopWork();
        return true;
    }

    /** Completes an {@linkplain #abandon() abandoned} request with {@link SchedulerShutdownException}. */
    void failAbandoned(Duration drainTimeout) {
        super.completeExceptionally(new SchedulerShutdownException("'" + source.name() + "' was still "
                + abandonedAt.description + " when the Matter's drain timeout of " + drainTimeout.toMillis()
                + " ms ran out during close()"));
    }

    // ---------------------------------------------------------------- the caller's side

    /**
     * Cancels the request unless it has already ended; then no stage that has not started will start (a decode not
     * yet begun never runs, a request queued for the device leaves the queue), while a stage already running
     * finishes and its result is dropped. Counts as cancelled. {@code mayInterruptIfRunning} has no effect: neither
     * a decode nor a forward pass can be interrupted.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!settle(Outcome.CANCELLED)) {
            return isCancelled();
        }
        super.cancel(mayInterruptIfRunning);
        stopWork();
        return true;
    }

    /** Completing it from outside ends the request like a success would: counted, and its pending work stopped. */
    @Override
    public boolean complete(Matte value) {
        if (!settle(Outcome.SUCCEEDED)) {
            return false;
        }
        super.complete(value);
        stopWork();
        return true;
    }

    /** Failing it from outside ends the request: counted by the error's kind, and its pending work stopped. */
    @Override
    public boolean completeExceptionally(Throwable error) {
        Outcome outcome = error instanceof SchedulerTimeoutException ? Outcome.TIMED_OUT
                : error instanceof CancellationException ? Outcome.CANCELLED : Outcome.FAILED;
        if (!settle(outcome)) {
            return false;
        }
        super.completeExceptionally(error);
        stopWork();
        return true;
    }

    @Override
    public String toString() {
        return "request for '" + source.name() + "' (" + (isDone() ? "done" : stage.description) + ")";
    }

    // ---------------------------------------------------------------- machinery

    /** Claims the one ending and counts it; false when it had already ended. */
    private boolean settle(Outcome outcome) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        counts.ended(outcome);
        return true;
    }

    /**
     * Stops what has not started: the timer, a decode still waiting for a worker (its work then ends here), a request
     * still queued in the scheduler (its work ends when the scheduler's future completes and the next stage sees the
     * request ended). Returns whether the forward pass was avoided.
     */
    private boolean stopWork() {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        if (decodeClaimed.compareAndSet(false, true)) {
            // It never began and now never will. (A pool's own cancel says yes even for a task already running.)
            Future<?> p = prepareTask;
            if (p != null) {
                p.cancel(false);
            }
            endWork();
        }
        CompletableFuture<ModelOutput> f = inference;
        return f != null && f.cancel(false);
    }

    /** Its last stage has returned (or never will run): gives its place back, once. */
    private void endWork() {
        if (workEnded.compareAndSet(false, true)) {
            admission.release(this);
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
