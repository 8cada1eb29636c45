package dev.matting.postprocess;

/**
 * Softens an alpha plane's edges with a Gaussian blur of standard deviation {@code radius} (the meaning PIL's
 * {@code GaussianBlur(radius)} gives it), approximated by three passes of an extended box blur in each direction:
 * a box whose two end taps carry a fractional weight, chosen so that the three passes have exactly the Gaussian's
 * variance (Gwosdek et al., "Theoretical foundations of Gaussian convolution by extended box filtering", 2011).
 * Each pass uses running sums, so the cost does not grow with the radius. Edges are clamped. Every output is a
 * convex combination of inputs computed in floating point and rounded once at the end, so a constant region stays
 * exactly constant and every value stays within the input's range.
 */
final class Feather {
    private static final int PASSES = 3;

    private Feather() {
    }

    /** A new blurred plane; the input is not changed. Radius 0 returns a copy. */
    static byte[] apply(byte[] alpha, int width, int height, int radius) {
        if (alpha.length != width * height) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values, not " + width + "x" + height);
        }
        if (radius < 0) {
            throw new IllegalArgumentException("feather radius must be >= 0, got " + radius);
        }
        if (radius == 0 || alpha.length == 0) {
            return alpha.clone();
        }
        double sigma2 = (double) radius * radius / PASSES;
        int l = (int) Math.floor((Math.sqrt(12 * sigma2 + 1) - 1) / 2);
        double a = (2 * l + 1) * (3 * sigma2 - l * (l + 1.0)) / (6 * ((l + 1.0) * (l + 1.0) - sigma2));
        double norm = 1 / (2 * l + 1 + 2 * a);

        float[] buf = new float[alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            buf[i] = alpha[i] & 0xff;
        }
        float[] tmp = new float[alpha.length];
        double[] line = new double[width];
        for (int pass = 0; pass < PASSES; pass++) {
            for (int y = 0; y < height; y++) {
                horizontal(buf, tmp, y * width, width, l, a, norm, line);
            }
            float[] t = buf;
            buf = tmp;
            tmp = t;
        }
        double[] sum = new double[width];
        for (int pass = 0; pass < PASSES; pass++) {
            vertical(buf, tmp, width, height, l, a, norm, sum);
            float[] t = buf;
            buf = tmp;
            tmp = t;
        }
        byte[] out = new byte[alpha.length];
        for (int i = 0; i < out.length; i++) {
            int v = Math.round(buf[i]);
            out[i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
        }
        return out;
    }

    private static void horizontal(float[] src, float[] dst, int off, int n, int l, double a, double norm,
            double[] line) {
        for (int i = 0; i < n; i++) {
            line[i] = src[off + i];
        }
        int last = n - 1;
        double s = 0;
        for (int k = -l; k <= l; k++) {
            s += line[clamp(k, last)];
        }
        for (int i = 0; i < n; i++) {
            double v = s + a * (line[clamp(i - l - 1, last)] + line[clamp(i + l + 1, last)]);
            dst[off + i] = (float) (v * norm);
            s += line[clamp(i + l + 1, last)] - line[clamp(i - l, last)];
        }
    }

    /** The vertical pass keeps one running sum per column and walks whole rows, which keeps memory access linear. */
    private static void vertical(float[] src, float[] dst, int w, int h, int l, double a, double norm, double[] sum) {
        int last = h - 1;
        java.util.Arrays.fill(sum, 0);
        for (int k = -l; k <= l; k++) {
            int r = clamp(k, last) * w;
            for (int x = 0; x < w; x++) {
                sum[x] += src[r + x];
            }
        }
        for (int y = 0; y < h; y++) {
            int up = clamp(y - l - 1, last) * w;
            int down = clamp(y + l + 1, last) * w;
            int leave = clamp(y - l, last) * w;
            int d = y * w;
            for (int x = 0; x < w; x++) {
                double v = sum[x] + a * (src[up + x] + src[down + x]);
                dst[d + x] = (float) (v * norm);
                sum[x] += src[down + x] - src[leave + x];
            }
        }
    }

    private static int clamp(int i, int last) {
        return i < 0 ? 0 : Math.min(i, last);
    }
}
