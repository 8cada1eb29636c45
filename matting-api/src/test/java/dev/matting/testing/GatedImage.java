package dev.matting.testing;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An image whose decoding waits at a gate the test opens: the decoder's first look at it ({@link #getColorModel()})
 * blocks until {@link #open()} (or {@link #fail()}, which makes that look throw). It counts the looks, so a test can
 * tell a decode that never started from one that did, and holds a CPU worker as long as the test needs. A hang guard
 * opens the gate by itself after 30 s, so that a failing test can still close its Matter.
 */
public final class GatedImage extends BufferedImage {
    private static final Duration GUARD = Duration.ofSeconds(30);

    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final AtomicInteger looks = new AtomicInteger();
    private volatile boolean failing;

    /** A {@code width x height} RGB image filled with {@code rgb}. */
    public GatedImage(int width, int height, int rgb) {
        super(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                setRGB(x, y, rgb);
            }
        }
    }

    @Override
    public ColorModel getColorModel() {
        if (looks.getAndIncrement() == 0) {
            entered.countDown();
        }
        try {
            gate.await(GUARD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failing) {
            throw new IllegalStateException("gated image failed on purpose");
        }
        return super.getColorModel();
    }

    /** Lets every decode of it through. */
    public void open() {
        gate.countDown();
    }

    /** Lets decodes through, but each fails. */
    public void fail() {
        failing = true;
        gate.countDown();
    }

    /** Whether a decode of it has started. */
    public boolean decodeStarted() {
        return looks.get() > 0;
    }

    /** Waits until a decode of it has started (a hang guard, not a timing check: fails after 10 s). */
    public void awaitDecodeStarted() throws InterruptedException {
        if (!entered.await(10, TimeUnit.SECONDS)) {
            open();
            throw new AssertionError("the gated image's decode never started");
        }
    }
}
