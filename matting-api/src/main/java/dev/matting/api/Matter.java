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
 */
public interface Matter extends AutoCloseable {

    /** Mattes one image; throws a {@link MattingException} naming the input when it fails. */
    Matte matte(ImageSource source);

    /**
     * Mattes one image with per-call post-processing, background and output instead of the Matter's own; the model
     * is not reloaded. Throws a {@link MattingException} naming the input when it fails.
     */
    Matte matte(ImageSource source, MatteOptions options);

    default Matte matte(Path path) {
        return matte(ImageSource.of(path));
    }

    default Matte matte(BufferedImage image) {
        return matte(ImageSource.of(image));
    }

    default Matte matte(byte[] encoded) {
        return matte(ImageSource.of(encoded));
    }

    default Matte matte(InputStream in) {
        return matte(ImageSource.of("stream", in));
    }

    /**
     * Mattes many images with one forward pass per group of same-shaped model inputs. Never throws for a bad
     * item: each result carries its own matte or error, in input order.
     */
    List<MatteResult> matteAll(List<ImageSource> sources);

    /** Queues one image; the future completes with its matte or fails with a {@link MattingException}. */
    CompletableFuture<Matte> submit(ImageSource source);

    /**
     * Queues one image with per-call options (see {@link MatteOptions}); the future completes with its matte, whose
     * {@link Matte#output()} is {@code options.output()}, or fails with a {@link MattingException}. The streaming
     * {@link BatchJob} feeds every item through here.
     */
    CompletableFuture<Matte> submit(ImageSource source, MatteOptions options);

    /** Backend, device, precision and model in use. */
    MatterInfo info();

    /** Scheduler counters: queue depth, batch-size histogram, latency p50/p95/p99, images/s, OOM retries. */
    dev.matting.scheduler.SchedulerStats stats();

    /** Releases the model and its native memory; waits for work already accepted. */
    @Override
    void close();
}
