package dev.matting.image;

import dev.matting.model.OutputAdapter;
import dev.matting.model.ResizeFilter;
import dev.matting.model.ResizeKernel;

/**
 * The SDK's own separable resampling ({@link ResizeFilter#SDK_AREA}), used on the way into the model and back out
 * when a descriptor names no filter: area averaging where an axis shrinks (every
 * source pixel counts in proportion to its overlap, so nothing aliases) and bilinear interpolation with pixel-centre
 * alignment where it grows ({@code src = (dst + 0.5) * srcSize / dstSize - 0.5}, clamped at the edges). Both
 * directions use the same coordinate mapping, so going down and back up puts an edge where it was.
 */
final class Resampler {
    private Resampler() {
    }

    /** Per output index: the first source index and {@code taps} weights that sum to 1. */
    record Axis(int[] start, int taps, float[] weights) {
    }

    /**
     * The weights that map {@code src} samples onto {@code dst} samples along one axis: {@link ResizeFilter#SDK_AREA}'s
     * kernel, laid out with one tap count for every output so the inner loops have no branches.
     */
    static Axis axis(int src, int dst) {
        if (src < 1 || dst < 1) {
            throw new IllegalArgumentException("axis sizes must be >= 1, got " + src + " -> " + dst);
        }
        ResizeKernel k = ResizeFilter.SDK_AREA.kernel(src, dst);
        int taps = Math.min(k.maxTaps(), src);
        int[] start = new int[dst];
        float[] weights = new float[dst * taps];
        for (int i = 0; i < dst; i++) {
            // Shift windows that would run past the end back inside and leave the extra weights at zero.
            int lo = k.first(i);
            int s = Math.min(lo, src - taps);
            start[i] = s;
            for (int t = 0; t < k.count(i); t++) {
                weights[i * taps + lo - s + t] = (float) k.weight(i, t);
            }
        }
        return new Axis(start, taps, weights);
    }

    /**
     * Resizes interleaved 8-bit RGB to three planes of {@code dw x dh} and writes them, rounded, into {@code out}
     * (CHW, each plane {@code pw x ph}) at the top-left; the rest of each plane is filled by repeating the last
     * column and row.
     */
    static void rgbToPlanes(byte[] rgb, int sw, int sh, int dw, int dh, byte[] out, int pw, int ph) {
        int plane = pw * ph;
        if (sw == dw && sh == dh) {
            for (int y = 0; y < sh; y++) {
                int s = 3 * y * sw;
                int d = y * pw;
                for (int x = 0; x < sw; x++, s += 3, d++) {
                    out[d] = rgb[s];
                    out[plane + d] = rgb[s + 1];
                    out[2 * plane + d] = rgb[s + 2];
                }
            }
        } else {
            Axis ax = axis(sw, dw);
            Axis ay = axis(sh, dh);
            // Horizontal pass into three float planes of dw x sh.
            float[] tmp = new float[3 * dw * sh];
            int tp = dw * sh;
            int[] xs = ax.start();
            float[] xw = ax.weights();
            int xt = ax.taps();
            for (int y = 0; y < sh; y++) {
                int row = 3 * y * sw;
                int t = y * dw;
                for (int x = 0; x < dw; x++) {
                    float r = 0;
                    float g = 0;
                    float b = 0;
                    int s = row + 3 * xs[x];
                    int wi = x * xt;
                    for (int k = 0; k < xt; k++, s += 3) {
                        float w = xw[wi + k];
                        r += w * (rgb[s] & 0xff);
                        g += w * (rgb[s + 1] & 0xff);
                        b += w * (rgb[s + 2] & 0xff);
                    }
                    tmp[t + x] = r;
                    tmp[tp + t + x] = g;
                    tmp[2 * tp + t + x] = b;
                }
            }
            float[] acc = new float[dw];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < dh; y++) {
                    verticalTap(tmp, c * tp, dw, ay, y, acc);
                    int d = c * plane + y * pw;
                    for (int x = 0; x < dw; x++) {
                        out[d + x] = (byte) toByte(acc[x]);
                    }
                }
            }
        }
        padPlanes(out, dw, dh, pw, ph);
    }

    /**
     * Resizes the {@code sw x sh} top-left region of a float plane (row stride {@code stride}) to {@code dw x dh}
     * and quantises {@code [0, 1]} to 0..255 by {@code quantize}; values outside are clamped, NaN becomes 0.
     */
    static byte[] planeToBytes(float[] src, int stride, int sw, int sh, int dw, int dh, OutputAdapter.Quantize quantize) {
        byte[] out = new byte[dw * dh];
        Axis ax = axis(sw, dw);
        Axis ay = axis(sh, dh);
        float[] tmp = new float[dw * sh];
        int[] xs = ax.start();
        float[] xw = ax.weights();
        int xt = ax.taps();
        for (int y = 0; y < sh; y++) {
            int row = y * stride;
            int t = y * dw;
            for (int x = 0; x < dw; x++) {
                float v = 0;
                int s = row + xs[x];
                int wi = x * xt;
                for (int k = 0; k < xt; k++) {
                    v += xw[wi + k] * src[s + k];
                }
                tmp[t + x] = v;
            }
        }
        float[] acc = new float[dw];
        for (int y = 0; y < dh; y++) {
            verticalTap(tmp, 0, dw, ay, y, acc);
            int d = y * dw;
            for (int x = 0; x < dw; x++) {
                out[d + x] = (byte) quantize.apply(acc[x]);
            }
        }
        return out;
    }

    /** One output row of the vertical pass: a weighted sum of whole rows, which the JIT vectorises. */
    private static void verticalTap(float[] tmp, int base, int width, Axis ay, int y, float[] acc) {
        int yt = ay.taps();
        int sy = ay.start()[y];
        float[] yw = ay.weights();
        float w0 = yw[y * yt];
        int r0 = base + sy * width;
        for (int x = 0; x < width; x++) {
            acc[x] = w0 * tmp[r0 + x];
        }
        for (int k = 1; k < yt; k++) {
            float w = yw[y * yt + k];
            if (w == 0) {
                continue;
            }
            int r = base + (sy + k) * width;
            for (int x = 0; x < width; x++) {
                acc[x] += w * tmp[r + x];
            }
        }
    }

    private static int toByte(float v) {
        int i = (int) (v + 0.5f);
        return i < 0 ? 0 : Math.min(i, 255);
    }

    /**
     * Fills the padding of each CHW plane by repeating the last column and row: zeros would put a hard black border
     * next to the image, and the model would see an edge there and leak alpha into it.
     */
    static void padPlanes(byte[] out, int w, int h, int pw, int ph) {
        if (w == pw && h == ph) {
            return;
        }
        int plane = pw * ph;
        for (int c = 0; c < 3; c++) {
            int base = c * plane;
            if (w < pw) {
                for (int y = 0; y < h; y++) {
                    int r = base + y * pw;
                    java.util.Arrays.fill(out, r + w, r + pw, out[r + w - 1]);
                }
            }
            int last = base + (h - 1) * pw;
            for (int y = h; y < ph; y++) {
                System.arraycopy(out, last, out, base + y * pw, pw);
            }
        }
    }
}
