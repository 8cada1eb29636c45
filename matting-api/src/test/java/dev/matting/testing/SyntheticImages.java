package dev.matting.testing;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Test images whose true alpha is known: a soft-edged union of superellipses with a shaded, textured colour over a
 * smooth noisy background, drawn like the reference U-Net's training data (tools/unet.py) but at any size.
 */
public final class SyntheticImages {
    private SyntheticImages() {
    }

    /** A composite image and the alpha it was composed with ({@code width x height} values in [0, 1], row-major). */
    public record Sample(BufferedImage image, float[] alpha) {
        public int width() {
            return image.getWidth();
        }

        public int height() {
            return image.getHeight();
        }
    }

    /** The same seed and size always give the same image. */
    public static Sample generate(long seed, int width, int height) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] bg = texture(rng, width, height);
        float[][] fg = texture(rng, width, height);
        float[] shade = smoothNoise(rng, width, height, 3);
        float[] alpha = shapeAlpha(rng, width, height);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    float f = clamp(fg[c][i] * (0.75f + 0.5f * shade[i]));
                    float v = alpha[i] * f + (1 - alpha[i]) * bg[c][i];
                    rgb = rgb << 8 | Math.round(clamp(v) * 255);
                }
                row[x] = rgb;
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return new Sample(img, alpha);
    }

    /** A flat colour plus low, mid and per-pixel noise, sometimes with stripes: three planes in [0, 1]. */
    private static float[][] texture(SplittableRandom rng, int w, int h) {
        float[] color = {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
        int lowCells = rng.nextInt(2, 6);
        int midCells = rng.nextInt(8, 24);
        float[][] low = {smoothNoise(rng, w, h, lowCells), smoothNoise(rng, w, h, lowCells), smoothNoise(rng, w, h, lowCells)};
        float[][] mid = {smoothNoise(rng, w, h, midCells), smoothNoise(rng, w, h, midCells), smoothNoise(rng, w, h, midCells)};
        float[] k = {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
        boolean striped = rng.nextDouble() < 0.3;
        double freq = 4 + 20 * rng.nextDouble();
        double angle = Math.PI * rng.nextDouble();
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        float[][] out = new float[3][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float fine = (float) rng.nextDouble();
                float stripes = striped
                        ? (float) (0.5 + 0.5 * Math.sin(freq * ((double) x / w * cos + (double) y / h * sin) * 2 * Math.PI)) : 0;
                for (int c = 0; c < 3; c++) {
                    out[c][i] = clamp(0.45f * color[c] + 0.25f * k[0] * low[c][i] + 0.15f * k[1] * mid[c][i]
                            + 0.1f * k[2] * fine + 0.15f * stripes);
                }
            }
        }
        return out;
    }

    /** A random {@code cells x cells} grid, smoothly interpolated up to {@code w x h}. */
    private static float[] smoothNoise(SplittableRandom rng, int w, int h, int cells) {
        float[] grid = new float[cells * cells];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) rng.nextDouble();
        }
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            double gy = Math.max(0, Math.min(cells - 1, (y + 0.5) * cells / h - 0.5));
            int y0 = (int) gy;
            int y1 = Math.min(cells - 1, y0 + 1);
            float ty = smooth(gy - y0);
            for (int x = 0; x < w; x++) {
                double gx = Math.max(0, Math.min(cells - 1, (x + 0.5) * cells / w - 0.5));
                int x0 = (int) gx;
                int x1 = Math.min(cells - 1, x0 + 1);
                float tx = smooth(gx - x0);
                float top = grid[y0 * cells + x0] * (1 - tx) + grid[y0 * cells + x1] * tx;
                float bottom = grid[y1 * cells + x0] * (1 - tx) + grid[y1 * cells + x1] * tx;
                out[y * w + x] = top * (1 - ty) + bottom * ty;
            }
        }
        return out;
    }

    /** Union of 1-3 rotated superellipses near the centre, anti-aliased with a soft edge of 0.6-3.6 pixels. */
    private static float[] shapeAlpha(SplittableRandom rng, int w, int h) {
        float[] dist = new float[w * h];
        java.util.Arrays.fill(dist, Float.MAX_VALUE);
        int parts = rng.nextInt(1, 4);
        double scale = Math.min(w, h);
        for (int p = 0; p < parts; p++) {
            double cx = (0.35 + 0.3 * rng.nextDouble()) * w;
            double cy = (0.35 + 0.3 * rng.nextDouble()) * h;
            double ax = (0.15 + 0.2 * rng.nextDouble()) * scale;
            double ay = (0.15 + 0.2 * rng.nextDouble()) * scale;
            if (p > 0) {
                ax *= 0.6;
                ay *= 0.6;
            }
            double th = Math.PI * rng.nextDouble();
            double n = 1.6 + 4.4 * rng.nextDouble();
            double cos = Math.cos(th);
            double sin = Math.sin(th);
            double minAxis = Math.min(ax, ay);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double dx = x + 0.5 - cx;
                    double dy = y + 0.5 - cy;
                    double u = (dx * cos + dy * sin) / ax;
                    double v = (-dx * sin + dy * cos) / ay;
                    double rho = Math.pow(Math.pow(Math.abs(u), n) + Math.pow(Math.abs(v), n), 1 / n);
                    int i = y * w + x;
                    dist[i] = (float) Math.min(dist[i], (rho - 1) * minAxis);
                }
            }
        }
        double softness = 0.6 + 3.0 * rng.nextDouble();
        float[] alpha = new float[w * h];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = clamp((float) (0.5 - dist[i] / (2 * softness)));
        }
        return alpha;
    }

    private static float smooth(double t) {
        return (float) (t * t * (3 - 2 * t));
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
