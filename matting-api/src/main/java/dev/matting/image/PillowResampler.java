package dev.matting.image;

import dev.matting.model.ResizeFilter;
import dev.matting.model.ResizeKernel;

/**
 * Pillow's {@code Image.resize} on 8-bit images, to the bit ({@code src/libImaging/Resample.c}, the same arithmetic
 * from Pillow 9.0 to 12.3): the kernel's weights in 22-bit fixed point, the horizontal pass first, its output clipped
 * to 8 bits, then the vertical pass; an axis whose size does not change is not resampled at all. An RGB resize is
 * three independent resizes of its channels, exactly as in Pillow.
 *
 * <p>Why integers and not floats: the 8-bit intermediate and the fixed-point rounding are part of what Pillow
 * computes; a float implementation of the "same" Lanczos differs from it by one level on a sizeable share of pixels,
 * and those differences reach the model's input and the alpha's edges.
 */
final class PillowResampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    /** Rows per block of the horizontal pass: long enough for the JIT's vector loop, short enough for cache. */
    private static final int STRIP = 128;
    /** Outputs per block of the horizontal pass. */
    private static final int CHUNK = 32;

    private PillowResampler() {
    }

    /** One axis's kernel in Pillow's fixed point: per output, first source index, tap count and weights. */
    record Fixed(int[] first, int[] count, int taps, int[] weights, boolean identity) {
        static Fixed of(ResizeKernel k) {
            int taps = k.maxTaps();
            double[] w = k.weights();
            int[] fixed = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                // normalize_coeffs_8bpc: round half away from zero
                double v = w[i] * (1 << PRECISION_BITS);
                fixed[i] = w[i] < 0 ? (int) (-0.5 + v) : (int) (0.5 + v);
            }
            return new Fixed(k.firsts(), k.counts(), taps, fixed, k.isIdentity());
        }
    }

    private static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /**
     * Resizes interleaved 8-bit RGB ({@code sw x sh}) to {@code dw x dh} and writes the three channels as planes into
     * {@code out} (CHW, each plane {@code pw x ph}, image at the top-left; the padding is left to the caller).
     */
    static void rgbToPlanes(byte[] rgb, int sw, int sh, ResizeFilter filter, int dw, int dh, byte[] out, int pw, int ph) {
        ResizeKernel[] k = filter.kernels(sw, sh, dw, dh);
        Fixed kx = Fixed.of(k[0]);
        Fixed ky = Fixed.of(k[1]);
        int y0 = ky.identity() ? 0 : ky.first()[0];
        int y1 = ky.identity() ? sh : ky.first()[dh - 1] + ky.count()[dh - 1];
        int[][][] rows = horizontal(rgb, 3, sw, y0, y1, kx, dw);
        for (int c = 0; c < 3; c++) {
            vertical(rows[c], y0, ky, dw, dh, out, c * pw * ph, pw);
        }
    }

    /** Resizes one 8-bit plane ({@code sw x sh}, row stride {@code sw}) to {@code dw x dh}, as Pillow resizes mode L. */
    static byte[] grey(byte[] src, int sw, int sh, ResizeFilter filter, int dw, int dh) {
        ResizeKernel[] k = filter.kernels(sw, sh, dw, dh);
        Fixed kx = Fixed.of(k[0]);
        Fixed ky = Fixed.of(k[1]);
        int y0 = ky.identity() ? 0 : ky.first()[0];
        int y1 = ky.identity() ? sh : ky.first()[dh - 1] + ky.count()[dh - 1];
        byte[] out = new byte[dw * dh];
        vertical(horizontal(src, 1, sw, y0, y1, kx, dw)[0], y0, ky, dw, dh, out, 0, dw);
        return out;
    }

    /**
     * The horizontal pass of interleaved 8-bit data ({@code channels} per pixel) over source rows {@code y0..y1}: per
     * channel, rows of {@code dw} values already clipped to 8 bits. Computed column by column on a transposed copy of
     * the source, so the inner loop runs down a column and the JIT vectorises it (over a row, each output would be a
     * scalar dot product); the result is transposed back into rows for the vertical pass.
     */
    private static int[][][] horizontal(byte[] src, int channels, int sw, int y0, int y1, Fixed kx, int dw) {
        int rows = y1 - y0;
        int[][][] out = new int[channels][rows][dw];
        if (kx.identity()) {
            for (int r = 0; r < rows; r++) {
                int s = (y0 + r) * sw * channels;
                for (int x = 0; x < dw; x++) {
                    for (int c = 0; c < channels; c++, s++) {
                        out[c][r][x] = src[s] & 0xff;
                    }
                }
            }
            return out;
        }
        int[] first = kx.first();
        int[] count = kx.count();
        int[] w = kx.weights();
        int taps = kx.taps();
        // Blocks of STRIP rows x CHUNK outputs, so the transposed source block (a few hundred KB at most for
        // downscales by up to ~8x) stays in cache while every output of the chunk reads it.
        int widest = 0;
        for (int x = 0; x < dw; x++) {
            widest = Math.max(widest, first[x] + count[x] - first[x / CHUNK * CHUNK]);
        }
        int[][][] cols = new int[channels][widest][STRIP];
        int[] acc = new int[STRIP];
        int stride = sw * channels;
        for (int r0 = 0; r0 < rows; r0 += STRIP) {
            int m = Math.min(STRIP, rows - r0);
            for (int xa = 0; xa < dw; xa += CHUNK) {
                int xb = Math.min(dw, xa + CHUNK);
                int sa = first[xa];
                int sb = sa;
                for (int x = xa; x < xb; x++) {
                    sb = Math.max(sb, first[x] + count[x]);
                }
                for (int i = 0; i < sb - sa; i++) {
                    for (int c = 0; c < channels; c++) {
                        int[] col = cols[c][i];
                        int base = (y0 + r0) * stride + (sa + i) * channels + c;
                        for (int r = 0; r < m; r++) {
                            col[r] = src[base + r * stride] & 0xff;
                        }
                    }
                }
                for (int c = 0; c < channels; c++) {
                    int[][] cc = cols[c];
                    int[][] oc = out[c];
                    for (int x = xa; x < xb; x++) {
                        java.util.Arrays.fill(acc, HALF);
                        int wi = x * taps;
                        for (int j = 0, n = count[x]; j < n; j++) {
                            int k = w[wi + j];
                            int[] col = cc[first[x] + j - sa];
                            for (int r = 0; r < STRIP; r++) {
                                acc[r] += col[r] * k;
                            }
                        }
                        for (int r = 0; r < m; r++) {
                            oc[r0 + r][x] = clip8(acc[r]);
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The vertical pass over {@code rows} (source rows {@code y0..}, {@code dw} clipped values each): output row
     * {@code y} goes to {@code out[offset + y * stride ...]}. Whole rows at a time, so the JIT vectorises the inner
     * loop.
     */
    private static void vertical(int[][] rows, int y0, Fixed ky, int dw, int dh, byte[] out, int offset, int stride) {
        if (ky.identity()) {
            for (int y = 0; y < dh; y++) {
                int[] row = rows[y];
                int d = offset + y * stride;
                for (int x = 0; x < dw; x++) {
                    out[d + x] = (byte) row[x];
                }
            }
            return;
        }
        int[] first = ky.first();
        int[] count = ky.count();
        int[] w = ky.weights();
        int taps = ky.taps();
        int[] acc = new int[dw];
        for (int y = 0; y < dh; y++) {
            java.util.Arrays.fill(acc, HALF);
            int wi = y * taps;
            for (int j = 0, n = count[y]; j < n; j++) {
                int k = w[wi + j];
                int[] row = rows[first[y] + j - y0];
                for (int x = 0; x < dw; x++) {
                    acc[x] += row[x] * k;
                }
            }
            int d = offset + y * stride;
            for (int x = 0; x < dw; x++) {
                out[d + x] = (byte) clip8(acc[x]);
            }
        }
    }
}
