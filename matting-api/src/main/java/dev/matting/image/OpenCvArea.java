package dev.matting.image;

import dev.matting.model.ResizeFilter;
import dev.matting.model.ResizeKernel;

/**
 * OpenCV's {@code cv2.resize(..., interpolation=INTER_AREA)} ({@code modules/imgproc/src/resize.cpp}), as MODNet's
 * reference script uses it: on float64 images on the way in (it normalises before resizing) and on the 8-bit matte
 * on the way out. Three methods, chosen from both axes as OpenCV chooses them ({@link ResizeFilter#kernels}):
 * whole-block means when both axes shrink by whole factors, fractional-coverage averaging when both shrink, and a
 * bilinear emulation when either grows.
 *
 * <p>This follows OpenCV's generic C++ code. Its SIMD path for the 8-bit bilinear emulation (vertical pass,
 * {@code VResizeLinearVec_32s8u}) truncates intermediate products and can land one level away from the generic
 * result on some pixels; that is the one place where the SDK and an x86 OpenCV build may differ (by 1/255).
 */
final class OpenCvArea {
    /** {@code INTER_RESIZE_COEF_BITS}: the 8-bit bilinear emulation's weights are 11-bit fixed point. */
    private static final int COEF_BITS = 11;
    private static final int COEF_SCALE = 1 << COEF_BITS;

    private OpenCvArea() {
    }

    /** Resizes one 8-bit plane ({@code sw x sh}) to {@code dw x dh}. */
    static byte[] resize8(byte[] src, int sw, int sh, int dw, int dh) {
        ResizeKernel[] k = ResizeFilter.AREA.kernels(sw, sh, dw, dh);
        byte[] out = new byte[dw * dh];
        switch (k[0].arithmetic()) {
            case IDENTITY -> System.arraycopy(src, 0, out, 0, out.length);
            case OPENCV_AREA_BLOCK -> block8(src, sw, k[0], k[1], out, dw, dh);
            case OPENCV_AREA -> area8(src, sw, k[0], k[1], out, dw, dh);
            case OPENCV_AREA_LINEAR -> linear8(src, sw, k[0], k[1], out, dw, dh);
            default -> throw new IllegalStateException("not an OpenCV area kernel: " + k[0]);
        }
        return out;
    }

    /** Resizes one double plane ({@code sw x sh}) to {@code dw x dh}, as OpenCV resizes a {@code CV_64F} image. */
    static double[] resizeDouble(double[] src, int sw, int sh, int dw, int dh) {
        ResizeKernel[] k = ResizeFilter.AREA.kernels(sw, sh, dw, dh);
        double[] out = new double[dw * dh];
        switch (k[0].arithmetic()) {
            case IDENTITY -> System.arraycopy(src, 0, out, 0, out.length);
            case OPENCV_AREA_BLOCK -> blockDouble(src, sw, k[0], k[1], out, dw, dh);
            case OPENCV_AREA, OPENCV_AREA_LINEAR -> separableDouble(src, sw, k[0], k[1], out, dw, dh);
            default -> throw new IllegalStateException("not an OpenCV area kernel: " + k[0]);
        }
        return out;
    }

    /** {@code resizeAreaFast_}: the mean of each whole block; 2x2 blocks round half up, others to nearest even. */
    private static void block8(byte[] src, int sw, ResizeKernel kx, ResizeKernel ky, byte[] out, int dw, int dh) {
        int bx = kx.count(0);
        int by = ky.count(0);
        int area = bx * by;
        float scale = 1f / area;
        for (int dy = 0; dy < dh; dy++) {
            int sy0 = dy * by;
            for (int dx = 0; dx < dw; dx++) {
                int sx0 = dx * bx;
                int sum = 0;
                for (int y = 0; y < by; y++) {
                    int r = (sy0 + y) * sw + sx0;
                    for (int x = 0; x < bx; x++) {
                        sum += src[r + x] & 0xff;
                    }
                }
                int v = bx == 2 && by == 2 ? (sum + 2) >> 2 : (int) Math.rint(sum * scale);
                out[dy * dw + dx] = (byte) Math.min(255, Math.max(0, v));
            }
        }
    }

    private static void blockDouble(double[] src, int sw, ResizeKernel kx, ResizeKernel ky, double[] out, int dw, int dh) {
        int bx = kx.count(0);
        int by = ky.count(0);
        float scale = 1f / (bx * by);
        for (int dy = 0; dy < dh; dy++) {
            for (int dx = 0; dx < dw; dx++) {
                double sum = 0;
                for (int y = 0; y < by; y++) {
                    int r = (dy * by + y) * sw + dx * bx;
                    for (int x = 0; x < bx; x++) {
                        sum += src[r + x];
                    }
                }
                out[dy * dw + dx] = sum * scale;
            }
        }
    }

    /**
     * {@code resizeArea_<uchar, float>}: per source row the horizontal sums in float, weighted into the output row in
     * float, rounded half to even at the end ({@code saturate_cast<uchar>(float)}).
     */
    private static void area8(byte[] src, int sw, ResizeKernel kx, ResizeKernel ky, byte[] out, int dw, int dh) {
        float[] buf = new float[dw];
        float[] sum = new float[dw];
        for (int dy = 0; dy < dh; dy++) {
            for (int j = 0; j < ky.count(dy); j++) {
                float beta = (float) ky.weight(dy, j);
                int row = (ky.first(dy) + j) * sw;
                for (int dx = 0; dx < dw; dx++) {
                    float b = 0;
                    int s = row + kx.first(dx);
                    for (int i = 0; i < kx.count(dx); i++) {
                        b += (src[s + i] & 0xff) * (float) kx.weight(dx, i);
                    }
                    buf[dx] = b;
                }
                for (int dx = 0; dx < dw; dx++) {
                    sum[dx] = j == 0 ? beta * buf[dx] : sum[dx] + beta * buf[dx];
                }
            }
            for (int dx = 0; dx < dw; dx++) {
                out[dy * dw + dx] = (byte) Math.min(255, Math.max(0, (int) Math.rint(sum[dx])));
            }
        }
    }

    /**
     * The 8-bit bilinear emulation ({@code HResizeLinear} with 11-bit weights into int rows, then
     * {@code VResizeLinear} with {@code FixedPtCast<int, uchar, 22>}: add {@code 1 << 21}, shift right by 22).
     */
    private static void linear8(byte[] src, int sw, ResizeKernel kx, ResizeKernel ky, byte[] out, int dw, int dh) {
        int[] ax = fixed(kx);
        int[] ay = fixed(ky);
        int[] row0 = new int[dw];
        int[] row1 = new int[dw];
        for (int dy = 0; dy < dh; dy++) {
            int sy = ky.first(dy);
            horizontal8(src, sw, sy, kx, ax, row0);
            int b0 = ay[2 * dy];
            int b1 = ay[2 * dy + 1];
            if (b1 != 0) {
                horizontal8(src, sw, sy + 1, kx, ax, row1);
            }
            for (int dx = 0; dx < dw; dx++) {
                int v = row0[dx] * b0 + (b1 != 0 ? row1[dx] * b1 : 0);
                v = (v + (1 << (2 * COEF_BITS - 1))) >> (2 * COEF_BITS);
                out[dy * dw + dx] = (byte) Math.min(255, Math.max(0, v));
            }
        }
    }

    private static void horizontal8(byte[] src, int sw, int sy, ResizeKernel kx, int[] ax, int[] row) {
        int r = sy * sw;
        for (int dx = 0; dx < row.length; dx++) {
            int s = r + kx.first(dx);
            int v = (src[s] & 0xff) * ax[2 * dx];
            if (kx.count(dx) == 2) {
                v += (src[s + 1] & 0xff) * ax[2 * dx + 1];
            }
            row[dx] = v;
        }
    }

    /** {@code saturate_cast<short>(w * INTER_RESIZE_COEF_SCALE)}: round half to even; two slots per output. */
    private static int[] fixed(ResizeKernel k) {
        int[] a = new int[2 * k.outSize()];
        for (int i = 0; i < k.outSize(); i++) {
            for (int j = 0; j < k.count(i); j++) {
                a[2 * i + j] = (int) Math.rint((float) k.weight(i, j) * COEF_SCALE);
            }
        }
        return a;
    }

    /**
     * {@code resizeArea_<double, double>} and the double bilinear emulation: horizontal sums in double with the float
     * weights, then the weighted rows in double.
     */
    private static void separableDouble(double[] src, int sw, ResizeKernel kx, ResizeKernel ky, double[] out, int dw,
            int dh) {
        double[] buf = new double[dw];
        for (int dy = 0; dy < dh; dy++) {
            int o = dy * dw;
            for (int j = 0; j < ky.count(dy); j++) {
                double beta = ky.weight(dy, j);
                int row = (ky.first(dy) + j) * sw;
                for (int dx = 0; dx < dw; dx++) {
                    double b = 0;
                    int s = row + kx.first(dx);
                    for (int i = 0; i < kx.count(dx); i++) {
                        b += src[s + i] * kx.weight(dx, i);
                    }
                    buf[dx] = b;
                }
                for (int dx = 0; dx < dw; dx++) {
                    out[o + dx] = j == 0 ? beta * buf[dx] : out[o + dx] + beta * buf[dx];
                }
            }
        }
    }
}
