package dev.matting.api;

import dev.matting.common.ImageSource;
import dev.matting.common.MattingException;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one interface users hold: turns photos into soft alpha mattes. Thread-safe; close it to free native memory.
 *
 * <pre>{@code
 * try (Matter matter = Matters.create()) {
 *     Matte matte = matter.matte(Path.of("portrait.jpg"));
 *     matte.writePng(Path.of("portrait-cutout.png"));
 * }
 * }</pre>
 *
 * <h2>Contracts</h2>
 * Every request goes through the same stages: wait for room, wait for a CPU worker, decode and preprocess, wait for
 * and run its forward pass, post-process. The settings named here are {@link MatterOptions.Builder}'s.
 * <ul>
 * <li><b>Timeout</b> ({@code requestTimeout}, default none): runs from the {@link #submit} or {@link #matte} call (for
 * a {@link #matteAll} item, from when the item is admitted) to the finished matte, all stages included. At the
 * deadline the future fails with {@link dev.matting.common.SchedulerTimeoutException} naming the input, the limit,
 * the time elapsed and the stage it was in; no later stage starts for it, a decode not yet begun never runs and a
 * request still queued for the device leaves the queue. A decode or forward pass already running finishes (neither
 * can be interrupted) and its result is dropped.</li>
 * <li><b>Cancel</b> ({@code cancel} on a {@link #submit} future): ends the request at once unless it has ended, with
 * the same effect on its work as a timeout: whatever has not started never starts; a forward pass already on the
 * device runs to its end (it cannot be stopped, and its batch mates need it) and its alpha is dropped.
 * {@link #stats()} counts it as cancelled either way. {@code mayInterruptIfRunning} has no effect.</li>
 * <li><b>Back-pressure</b> ({@code queueCapacity}, default 256; {@code overflow}): at most that many requests are in
 * flight: admitted and their work not ended (a cancelled or timed-out request keeps its place until its running
 * decode or forward pass ends). When full, {@link #submit} and {@link #matte} wait for room under
 * {@link dev.matting.scheduler.Overflow#BLOCK} (the waiting counts against their timeout) and fail at once with
 * {@link dev.matting.common.SchedulerRejectedException} under {@code REJECT}; a submit from one of this Matter's own
 * threads (a continuation of one of its futures) never waits, as it would wait on itself: it is rejected when full.
 * {@link #matteAll} never rejects its own items: it admits them as room frees up, whatever the overflow policy.</li>
 * <li><b>Close</b> ({@code drainTimeout}, default 30 s): new calls fail at once with
 * {@link dev.matting.common.SchedulerRejectedException}, as do producers waiting for room; accepted requests finish
 * normally, whichever stage they are in, for up to the drain timeout; then those still unfinished fail with
 * {@link dev.matting.common.SchedulerShutdownException} naming the input and stage. The backends close only after
 * every forward pass has ended.</li>
 * </ul>
 */
public interface Matter extends AutoCloseable {

    /** Mattes one image; throws a {@link MattingException} naming the input when it fails. */
    Matte matte(ImageSource source);

    /**
     * Mattes one image with per-call post-processing, background and output instead of the Matter's own; the model
     * is not reloaded. Throws a {@link MattingException} naming the input when it fails.
     */
    Matte matte(ImageSource source, MatteOptions options);

    /** Mattes the image file at {@code path}; see {@link #matte(ImageSource)}. */
    default Matte matte(Path path) {
        return matte(ImageSource.of(path));
    }

    /** Mattes an already decoded image (not copied); see {@link #matte(ImageSource)}. */
    default Matte matte(BufferedImage image) {
        return matte(ImageSource.of(image));
    }

    /** Mattes an encoded image (JPEG, PNG, ...); the array is not copied. See {@link #matte(ImageSource)}. */
    default Matte matte(byte[] encoded) {
        return matte(ImageSource.of(encoded));
    }

    /** Mattes the image read fully from {@code in} first (the caller closes it), named {@code stream} in errors. */
    default Matte matte(InputStream in) {
        return matte(ImageSource.of("stream", in));
    }

    /**
     * Mattes many images, same-shaped ones sharing forward passes. Never throws for a bad item: each result carries
     * its own matte or error, in input order; a {@code null} element fails alone with
     * {@link dev.matting.common.ImageDecodeException} naming its index ({@code sources[3]}), its result's source
     * {@code null}. It keeps at most {@code queueCapacity} of its items in flight and never rejects one for lack of
     * room; each item's timeout starts when it is admitted.
     *
     * @throws NullPointerException                           if {@code sources} is null
     * @throws dev.matting.common.SchedulerRejectedException if this Matter is closed (items cut off by a close that
     *                                                        begins during the call fail alone with it instead)
     */
    List<MatteResult> matteAll(List<ImageSource> sources);

    /**
     * Queues one image; the future completes with its matte or fails with a {@link MattingException} naming the
     * input: {@link dev.matting.common.SchedulerRejectedException} at once when the Matter is full under
     * {@code REJECT} or closed, {@link dev.matting.common.SchedulerTimeoutException},
     * {@link dev.matting.common.SchedulerShutdownException}, or the stage's own error. Under {@code BLOCK} this call
     * waits while the Matter is full. See the class comment for timeout, cancel and close.
     */
    CompletableFuture<Matte> submit(ImageSource source);

    /**
     * Queues one image with per-call options (see {@link MatteOptions}); the future completes with its matte, whose
     * {@link Matte#output()} is {@code options.output()}, or fails with a {@link MattingException}. The streaming
     * {@link BatchJob} feeds every item through here.
     */
    CompletableFuture<Matte> submit(ImageSource source, MatteOptions options);

    /** Backend, device, precision and model in use. */
    MatterInfo info();

    /**
     * Counters. Request outcomes (submitted, succeeded, failed, cancelled, timed out, rejected, pending) count this
     * Matter's requests end to end, including those that never reached the device; queue depth, batches, latency
     * (queue and forward pass), images/s, OOM retries and lanes are the scheduler's.
     */
    dev.matting.scheduler.SchedulerStats stats();

    /**
     * Refuses new work, lets accepted work finish for up to the drain timeout, fails what is left with
     * {@link dev.matting.common.SchedulerShutdownException}, then releases the model and its native memory once every
     * forward pass has ended. Idempotent.
     */
    @Override
    void close();
}
