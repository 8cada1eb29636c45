package dev.matting.postprocess;

/**
 * Grey-scale erosion (a minimum filter) of an alpha plane over a {@code (2r+1) x (2r+1)} square, which pulls the
 * foreground edge in by {@code r} pixels. Separable, and each 1-D pass is the van Herk / Gil-Werman algorithm: about
 * three comparisons per pixel whatever the radius. Outside the image counts as the nearest edge pixel (clamping),
 * which for a minimum is the same as ignoring it: the border does not erode the image.
 */
final class Erosion {
    private Erosion() {
    }

    /** A new eroded plane; the input is not changed. Radius 0 returns a copy. */
    static byte[] apply(byte[] alpha, int width, int height, int radius) {
        if (alpha.length != width * height) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values, not " + width + "x" + height);
        }
        if (radius < 0) {
            throw new IllegalArgumentException("erosion radius must be >= 0, got " + radius);
        }
        byte[] out = alpha.clone();
        if (radius == 0 || alpha.length == 0) {
            return out;
        }
        MinLine rows = new MinLine(width, radius);
        for (int y = 0; y < height; y++) {
            rows.run(out, y * width, 1);
        }
        MinLine cols = new MinLine(height, radius);
        for (int x = 0; x < width; x++) {
            cols.run(out, x, width);
        }
        return out;
    }

    /** Reusable buffers for the running minimum over one line of {@code n} samples. */
    private static final class MinLine {
        private final int n;
        private final int r;
        private final int k;
        private final int[] line;
        private final int[] g;
        private final int[] h;

        MinLine(int n, int r) {
            this.n = n;
            this.r = r;
            this.k = 2 * r + 1;
            // The line is padded by r on each side with 255 (the identity of min), and to a whole number of blocks.
            int len = n + 2 * r;
            len = (len + k - 1) / k * k;
            this.line = new int[len];
            this.g = new int[len];
            this.h = new int[len];
        }

        void run(byte[] data, int offset, int step) {
            int len = line.length;
            java.util.Arrays.fill(line, 0, r, 255);
            for (int i = 0, p = offset; i < n; i++, p += step) {
                line[r + i] = data[p] & 0xff;
            }
            java.util.Arrays.fill(line, r + n, len, 255);
            // g: running minimum from the start of each block; h: from the end of each block.
            for (int b = 0; b < len; b += k) {
                int m = 255;
                for (int i = b; i < b + k; i++) {
                    m = Math.min(m, line[i]);
                    g[i] = m;
                }
                m = 255;
                for (int i = b + k - 1; i >= b; i--) {
                    m = Math.min(m, line[i]);
                    h[i] = m;
                }
            }
            // The window of output i is line[i .. i + 2r]: it spans at most two blocks, so min(h[i], g[i + 2r]).
            for (int i = 0, p = offset; i < n; i++, p += step) {
                data[p] = (byte) Math.min(h[i], g[i + 2 * r]);
            }
        }
    }
}
