package dev.matting.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.model.ModelSpec;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.testing.FakeBatchBackend;
import dev.matting.testing.Futures;
import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A {@link PipelineMatter} over a {@link FakeBatchBackend} in echo mode, wired as {@link Matters} wires a real one:
 * the model takes 64 px inputs and returns its alpha as is, so a 64x48 image goes through unscaled and its matte's
 * alpha is its own red channel: a matte handed to the wrong request shows.
 */
record MatterRig(PipelineMatter matter, FakeBatchBackend backend) implements AutoCloseable {
    /** Only guards against a hung test; never a statement about speed. */
    static final long HANG_GUARD_SECONDS = 20;

    static final ModelSpec SPEC = ModelSpec.parse(new StringReader("""
            {"name": "echo", "files": {"onnx": {"fp32": "none.onnx"}},
             "input": {"dtype": "uint8", "policy": {"kind": "longest-side", "size": 64, "multiple": 32}},
             "normalization": {"inGraph": true, "mean": [0, 0, 0], "std": [1, 1, 1]},
             "output": {"activation": "none"}}
            """), Path.of("."), "echo model.json");

    static MatterRig open(UnaryOperator<MatterOptions.Builder> options) {
        return open(options, FakeBatchBackend.builder(Device.cpu()).echo(true));
    }

    static MatterRig open(UnaryOperator<MatterOptions.Builder> options, FakeBatchBackend.Builder backend) {
        FakeBatchBackend fake = backend.build();
        MatterOptions o = options.apply(MatterOptions.builder().device(Device.cpu()).cpuThreads(2)
                .maxBatchDelay(Duration.ZERO)).build();
        // As Matters does: the scheduler takes the Matter's settings, and the Matter alone keeps the request timeout.
        MattingScheduler scheduler = MattingScheduler.builder().lane(fake)
                .config(o.scheduling().toBuilder().requestTimeout(Duration.ZERO).build()).build();
        return new MatterRig(new PipelineMatter("fake", SPEC, fake, scheduler, o, List.of(scheduler, fake)), fake);
    }

    @Override
    public void close() {
        backend.resume();
        matter.close();
    }

    /** A 64x48 image of noise, the same for the same seed. */
    static BufferedImage noise(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, rng.nextInt(1 << 24));
            }
        }
        return img;
    }

    static ImageSource good(int i) {
        return ImageSource.of("img" + i, noise(i));
    }

    static ImageSource bad(int i) {
        return ImageSource.of("bad" + i + ".png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, (byte) i});
    }

    /** Fails unless {@code matte}'s alpha is {@code image}'s red channel: it was made from that image. */
    static void assertMatteOf(BufferedImage image, Matte matte) {
        assertEquals(image.getWidth(), matte.width());
        assertEquals(image.getHeight(), matte.height());
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int red = image.getRGB(x, y) >> 16 & 0xFF;
                if (Math.abs(red - matte.alpha(x, y)) > 1) {
                    fail("the matte at (" + x + ", " + y + ") is " + matte.alpha(x, y) + ", its image's red is " + red
                            + ": it was made from another image");
                }
            }
        }
    }

    static Matte value(CompletableFuture<Matte> f) {
        return Futures.value(f);
    }

    static <T extends Throwable> T error(CompletableFuture<?> f, Class<T> type) {
        return Futures.error(f, type);
    }

    /** Images of real requests the backend ran, over all its passes (calibration excluded). */
    int imagesRun() {
        return backend.requestPasses().stream().mapToInt(p -> p.tags().size()).sum();
    }

    static Set<String> mattingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("matting-")).collect(Collectors.toSet());
    }
}
