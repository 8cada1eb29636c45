package dev.matting.testing;

import dev.matting.model.ModelSpec;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The repository's models and photos as tests see them: tests run with their module's folder as the working
 * directory, so the repository root is {@code ..}. The tiny U-Net is a test fixture only (the jars embed U²-Netp).
 */
public final class TestModels {
    private TestModels() {
    }

    /** The repository root. */
    public static Path repository() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("models"))) {
            throw new IllegalStateException("tests must run in a module folder of the repository; no models/ under " + root);
        }
        return root;
    }

    /** {@code models/unet-tiny}: the synthetic-shapes U-Net with its PyTorch parity pairs. */
    public static ModelSpec tiny() {
        return ModelSpec.load(repository().resolve("models/unet-tiny"));
    }

    /** {@code models/u2netp}, loaded from the folder (the same files the jars embed). */
    public static ModelSpec u2netp() {
        return ModelSpec.load(repository().resolve("models/u2netp"));
    }

    /** The photos of {@code samples/photos}, sorted by name. */
    public static List<Path> photos() {
        try (Stream<Path> s = Files.list(repository().resolve("samples/photos"))) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** rembg's alpha for a photo: {@code models/u2netp/reference/<stem>.png}, 8-bit, row-major. */
    public static byte[] referenceAlpha(Path photo) {
        String name = photo.getFileName().toString();
        return grey(repository().resolve("models/u2netp/reference").resolve(name.substring(0, name.lastIndexOf('.')) + ".png"));
    }

    /** The first band of an 8-bit PNG, read from its raster (no colour conversion touches the values). */
    public static byte[] grey(Path png) {
        try {
            BufferedImage img = ImageIO.read(png.toFile());
            Raster r = img.getRaster();
            int[] v = r.getSamples(0, 0, r.getWidth(), r.getHeight(), 0, (int[]) null);
            byte[] out = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (byte) v[i];
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mean absolute difference of two 8-bit alphas, in levels (0..255). */
    public static double meanAbsLevels(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("alphas differ in size: " + a.length + " vs " + b.length);
        }
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / a.length;
    }

    /** Intersection over union of the masks {@code alpha >= 128}. */
    public static double iou128(byte[] a, byte[] b) {
        long inter = 0;
        long union = 0;
        for (int i = 0; i < a.length; i++) {
            boolean pa = (a[i] & 0xff) >= 128;
            boolean pb = (b[i] & 0xff) >= 128;
            inter += pa && pb ? 1 : 0;
            union += pa || pb ? 1 : 0;
        }
        return union == 0 ? 1 : (double) inter / union;
    }
}
