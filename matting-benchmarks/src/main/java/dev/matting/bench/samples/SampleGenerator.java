package dev.matting.bench.samples;

import dev.matting.bench.OutputFiles;
import dev.matting.common.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Deterministic sample photos for the demo and the benchmarks: soft-edged foreground shapes (a head-and-shoulders
 * figure plus blobs) over textured backgrounds, in the spirit of {@code tools/unet.py}'s synthetic composites.
 * Pure per-pixel arithmetic from a seed, so the same seed gives the same pixels on every machine.
 */
public final class SampleGenerator {
    /** One synthetic sample: file name, size and seed. */
    public record Sample(String name, int width, int height, long seed) {
    }

    /**
     * A set of synthetic scenes in 1080p-class sizes (landscape, portrait, square, small), generated on demand: what
     * the demo falls back to without {@code samples/photos}, and what {@code --generate-samples} writes.
     */
    public static final List<Sample> SAMPLES = List.of(
            new Sample("01-studio-1920x1080.jpg", 1920, 1080, 11),
            new Sample("02-portrait-1080x1350.jpg", 1080, 1350, 22),
            new Sample("03-square-1024x1024.jpg", 1024, 1024, 33),
            new Sample("04-hd-1280x720.jpg", 1280, 720, 44),
            new Sample("05-vga-640x480.jpg", 640, 480, 55),
            new Sample("06-small-512x512.jpg", 512, 512, 66));

    /** JPEG quality of the generated samples. */
    public static final float QUALITY = 0.85f;

    private SampleGenerator() {
    }

    /** A scene and its true alpha (the foreground coverage used to composite it). */
    public record Scene(RgbImage image, byte[] alpha) {
        public byte[] rgb() {
            return image.rgb();
        }
    }

    /** Renders one scene. */
    public static Scene scene(int width, int height, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Texture bg = Texture.random(rnd, false);
        Texture fg = Texture.random(rnd, true);
        Shapes shapes = Shapes.random(rnd, width, height);
        byte[] rgb = new byte[3 * width * height];
        byte[] alpha = new byte[width * height];
        float[] b = new float[3];
        float[] f = new float[3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float u = x / (float) width;
                float v = y / (float) height;
                bg.sample(u, v, x, y, b);
                fg.sample(u, v, x, y, f);
                float a = shapes.alpha(x, y);
                int i = y * width + x;
                for (int c = 0; c < 3; c++) {
                    float val = f[c] * a + b[c] * (1 - a);
                    rgb[3 * i + c] = (byte) Math.max(0, Math.min(255, Math.round(val)));
                }
                alpha[i] = (byte) Math.round(a * 255);
            }
        }
        return new Scene(new RgbImage(width, height, rgb), alpha);
    }

    /** The sample encoded as a JPEG at {@link #QUALITY}. */
    public static byte[] jpeg(Sample sample) {
        return jpeg(scene(sample.width(), sample.height(), sample.seed()).image().toBufferedImage());
    }

    public static byte[] jpeg(BufferedImage image) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot encode a sample JPEG", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Writes every sample into {@code dir} (atomically per file) and returns the paths. */
    public static List<Path> writeAll(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Sample s : SAMPLES) {
            Path p = dir.resolve(s.name());
            OutputFiles.writeBytes(p, jpeg(s));
            out.add(p);
        }
        return out;
    }

    /** Writes the synthetic samples into a folder: {@code SampleGenerator DIR}. */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "out/samples");
        long total = 0;
        for (Path p : writeAll(dir)) {
            long size = p.toFile().length();
            total += size;
            System.out.printf("%-40s %8d bytes%n", p, size);
        }
        System.out.printf("total %d bytes%n", total);
    }

    /** Smoothly varying colour: a two-colour gradient, sinusoidal bands and bilinear value noise. */
    private record Texture(float[] c0, float[] c1, float fx, float fy, float phase, float bands, float noiseAmp,
            int cell, float[] grid, int gridW) {

        static Texture random(SplittableRandom rnd, boolean foreground) {
            float[] c0 = colour(rnd, foreground);
            float[] c1 = colour(rnd, foreground);
            double angle = rnd.nextDouble(Math.PI);
            float freq = (float) (2 + rnd.nextDouble(10));
            int cell = 24 + rnd.nextInt(40);
            int gridW = 4096 / cell + 2;
            float[] grid = new float[gridW * gridW];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = (float) rnd.nextDouble(-1, 1);
            }
            return new Texture(c0, c1, (float) (freq * Math.cos(angle)), (float) (freq * Math.sin(angle)),
                    (float) rnd.nextDouble(6.28), foreground ? 14f : 22f, foreground ? 10f : 18f, cell, grid, gridW);
        }

        private static float[] colour(SplittableRandom rnd, boolean foreground) {
            // foregrounds warmer and brighter, backgrounds cooler, so the figure stands out as in a real photo
            float base = foreground ? 120 : 50;
            float[] c = new float[3];
            for (int i = 0; i < 3; i++) {
                c[i] = base + (float) rnd.nextDouble(110);
            }
            if (foreground) {
                c[0] = Math.min(255, c[0] + 30);
            } else {
                c[2] = Math.min(255, c[2] + 25);
            }
            return c;
        }

        void sample(float u, float v, int x, int y, float[] out) {
            float t = Math.max(0, Math.min(1, 0.5f * (u + v)));
            float band = (float) Math.sin(6.2831853 * (fx * u + fy * v) + phase) * bands;
            float gx = x / (float) cell;
            float gy = y / (float) cell;
            int ix = (int) gx;
            int iy = (int) gy;
            float rx = gx - ix;
            float ry = gy - iy;
            float n00 = grid[iy * gridW + ix];
            float n10 = grid[iy * gridW + ix + 1];
            float n01 = grid[(iy + 1) * gridW + ix];
            float n11 = grid[(iy + 1) * gridW + ix + 1];
            float noise = ((n00 * (1 - rx) + n10 * rx) * (1 - ry) + (n01 * (1 - rx) + n11 * rx) * ry) * noiseAmp;
            for (int c = 0; c < 3; c++) {
                out[c] = c0[c] * (1 - t) + c1[c] * t + band + noise;
            }
        }
    }

    /** A head-and-shoulders figure plus up to two loose blobs, each an ellipse with a soft edge. */
    private record Shapes(float[] cx, float[] cy, float[] rx, float[] ry, float[] soft) {

        static Shapes random(SplittableRandom rnd, int w, int h) {
            int extra = rnd.nextInt(3);
            int n = 2 + extra;
            float[] cx = new float[n];
            float[] cy = new float[n];
            float[] rx = new float[n];
            float[] ry = new float[n];
            float[] soft = new float[n];
            float m = Math.min(w, h);
            float centre = (float) (w * (0.35 + rnd.nextDouble(0.3)));
            // head
            cx[0] = centre;
            cy[0] = h * 0.38f;
            rx[0] = m * 0.12f;
            ry[0] = m * 0.15f;
            soft[0] = Math.max(2, m * 0.012f); // a wider, hair-like fringe
            // shoulders and torso, running off the bottom edge
            cx[1] = centre;
            cy[1] = h * 0.98f;
            rx[1] = m * 0.36f;
            ry[1] = h * 0.45f;
            soft[1] = Math.max(1.5f, m * 0.004f);
            for (int i = 2; i < n; i++) {
                cx[i] = (float) (w * rnd.nextDouble(0.05, 0.95));
                cy[i] = (float) (h * rnd.nextDouble(0.1, 0.9));
                rx[i] = (float) (m * rnd.nextDouble(0.04, 0.12));
                ry[i] = (float) (m * rnd.nextDouble(0.04, 0.12));
                soft[i] = (float) Math.max(1.5, m * rnd.nextDouble(0.002, 0.01));
            }
            return new Shapes(cx, cy, rx, ry, soft);
        }

        float alpha(int x, int y) {
            float a = 0;
            for (int i = 0; i < cx.length; i++) {
                float dx = (x + 0.5f - cx[i]) / rx[i];
                float dy = (y + 0.5f - cy[i]) / ry[i];
                // approximate distance to the ellipse edge in pixels, negative inside
                float d = ((float) Math.sqrt(dx * dx + dy * dy) - 1) * Math.min(rx[i], ry[i]);
                float t = Math.max(0, Math.min(1, 0.5f - d / (2 * soft[i])));
                a = Math.max(a, t * t * (3 - 2 * t));
            }
            return a;
        }
    }
}
