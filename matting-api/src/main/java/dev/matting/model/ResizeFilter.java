package dev.matting.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The resampling filters a {@code model.json} can name for the way into the model ({@code input.resize}) and the
 * way back to the source size ({@code output.resize}). Each computes, per axis, the {@link ResizeKernel} its authors'
 * code uses, so a model runs with exactly the pixels its reference pipeline feeds it:
 *
 * <ul>
 *   <li>{@link #LANCZOS}, {@link #BICUBIC}, {@link #BILINEAR}, {@link #BOX}: Pillow's {@code Image.resize} on 8-bit
 *       images, to the bit (rembg, ISNet and BiRefNet pipelines use {@code LANCZOS}; imgly bilinear).</li>
 *   <li>{@link #AREA}: OpenCV's {@code cv2.resize(..., interpolation=INTER_AREA)} (MODNet).</li>
 *   <li>{@link #SDK_AREA}: the SDK's own resampling, the default when a descriptor names none: area averaging where
 *       an axis shrinks, pixel-centre bilinear where it grows, in float, rounded once at the end.</li>
 * </ul>
 *
 * <p>Kernels are cached per filter and sizes (a small LRU), so asking for the same resize again is free.
 */
public enum ResizeFilter {
    /** The SDK's float resampling: area average down, pixel-centre bilinear up, rounded at the end. */
    SDK_AREA("sdk-area", 0, false, false),
    /** Pillow {@code LANCZOS} (a = 3). */
    LANCZOS("lanczos", 3.0, true, true),
    /** Pillow {@code BICUBIC} (a = -0.5). */
    BICUBIC("bicubic", 2.0, true, true),
    /** Pillow {@code BILINEAR} (triangle filter, widened when shrinking). */
    BILINEAR("bilinear", 1.0, true, true),
    /** Pillow {@code BOX} (each output averages the source pixels whose centres fall in its cell). */
    BOX("box", 0.5, true, true),
    /**
     * OpenCV {@code INTER_AREA}: fractional-coverage averaging when both axes shrink, OpenCV's bilinear emulation
     * when one grows. Runs on 8-bit data where the SDK resamples bytes (8-bit model inputs, the alpha on the way
     * out) and in double where it resamples normalised floats (float32 model inputs: the image is normalised first,
     * as MODNet's script does).
     */
    AREA("area", 0, true, false);

    /** Kernels kept per filter and sizes; photos come in a handful of sizes, so a small cache covers them. */
    private static final int CACHE_SIZE = 256;
    private static final Map<Key, ResizeKernel> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, ResizeKernel> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private record Key(ResizeFilter filter, int in, int out, ResizeKernel.Arithmetic arithmetic) {
    }

    private final String key;
    private final double support;
    private final boolean eightBit;
    private final boolean roundsBetweenPasses;

    ResizeFilter(String key, double support, boolean eightBit, boolean roundsBetweenPasses) {
        this.key = key;
        this.support = support;
        this.eightBit = eightBit;
        this.roundsBetweenPasses = roundsBetweenPasses;
    }

    /** The name {@code model.json} uses. */
    public String key() {
        return key;
    }

    /**
     * True when the filter resamples 8-bit samples to 8-bit samples the way its authors' code does (Pillow's
     * filters, OpenCV area): the alpha is then quantised at model resolution and resized as 8 bits, exactly like
     * rembg's {@code Image.fromarray(...).resize(size, LANCZOS)}. False for {@link #SDK_AREA}, which resizes the
     * float alpha and rounds once.
     */
    public boolean eightBit() {
        return eightBit;
    }

    /** True when the horizontal pass's output is rounded to 8 bits before the vertical pass (Pillow). */
    public boolean roundsBetweenPasses() {
        return roundsBetweenPasses;
    }

    /** The filter named {@code key} in {@code model.json}, case-insensitive. */
    public static ResizeFilter fromKey(String key) {
        String k = Objects.requireNonNull(key, "key").trim().toLowerCase(Locale.ROOT);
        for (ResizeFilter f : values()) {
            if (f.key.equals(k)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown resize filter '" + key + "'");
    }

    /**
     * The kernel along one axis of {@code inSize} samples resized to {@code outSize}. An unchanged axis gives the
     * identity (Pillow skips that pass, OpenCV copies). For {@link #AREA}, whose choice of method depends on both
     * axes, this is the kernel when the other axis scales the same way as this one; use {@link #kernels} for a
     * whole image.
     *
     * @throws IllegalArgumentException when a size is below 1
     */
    public ResizeKernel kernel(int inSize, int outSize) {
        checkSizes(inSize, outSize);
        ResizeKernel.Arithmetic a;
        if (inSize == outSize) {
            a = ResizeKernel.Arithmetic.IDENTITY;
        } else if (this == AREA) {
            if (inSize > outSize) {
                a = isWhole(1.0 / ((double) outSize / inSize)) ? ResizeKernel.Arithmetic.OPENCV_AREA_BLOCK
                        : ResizeKernel.Arithmetic.OPENCV_AREA;
            } else {
                a = ResizeKernel.Arithmetic.OPENCV_AREA_LINEAR;
            }
        } else {
            a = this == SDK_AREA ? ResizeKernel.Arithmetic.SDK_FLOAT : ResizeKernel.Arithmetic.PILLOW_8BIT;
        }
        return cached(inSize, outSize, a);
    }

    /**
     * The horizontal and vertical kernels for resizing a {@code inWidth x inHeight} image to
     * {@code outWidth x outHeight}: element 0 is along x, element 1 along y. Only {@link #AREA} couples the axes
     * (OpenCV averages only when neither axis grows, else it interpolates on both, and it uses whole-block means
     * only when both ratios are whole numbers).
     */
    public ResizeKernel[] kernels(int inWidth, int inHeight, int outWidth, int outHeight) {
        checkSizes(inWidth, outWidth);
        checkSizes(inHeight, outHeight);
        if (this != AREA) {
            return new ResizeKernel[] {kernel(inWidth, outWidth), kernel(inHeight, outHeight)};
        }
        if (inWidth == outWidth && inHeight == outHeight) {
            return new ResizeKernel[] {cached(inWidth, outWidth, ResizeKernel.Arithmetic.IDENTITY),
                    cached(inHeight, outHeight, ResizeKernel.Arithmetic.IDENTITY)};
        }
        double scaleX = 1.0 / ((double) outWidth / inWidth);
        double scaleY = 1.0 / ((double) outHeight / inHeight);
        ResizeKernel.Arithmetic a;
        if (scaleX >= 1 && scaleY >= 1) {
            a = isWhole(scaleX) && isWhole(scaleY) ? ResizeKernel.Arithmetic.OPENCV_AREA_BLOCK
                    : ResizeKernel.Arithmetic.OPENCV_AREA;
        } else {
            a = ResizeKernel.Arithmetic.OPENCV_AREA_LINEAR;
        }
        return new ResizeKernel[] {cached(inWidth, outWidth, a), cached(inHeight, outHeight, a)};
    }

    /** OpenCV's {@code is_area_fast} test: {@code |scale - cvRound(scale)| < DBL_EPSILON}. */
    private static boolean isWhole(double scale) {
        return Math.abs(scale - Math.rint(scale)) < Math.ulp(1.0);
    }

    private static void checkSizes(int in, int out) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("resize sizes must be >= 1, got " + in + " -> " + out);
        }
    }

    private ResizeKernel cached(int in, int out, ResizeKernel.Arithmetic a) {
        Key k = new Key(this, in, out, a);
        synchronized (CACHE) {
            ResizeKernel hit = CACHE.get(k);
            if (hit != null) {
                return hit;
            }
        }
        // computed outside the lock: two threads may both compute a kernel, and both get equal values
        ResizeKernel computed = compute(in, out, a);
        synchronized (CACHE) {
            CACHE.putIfAbsent(k, computed);
            return CACHE.get(k);
        }
    }

    private ResizeKernel compute(int in, int out, ResizeKernel.Arithmetic a) {
        return switch (a) {
            case IDENTITY -> ResizeKernel.identity(this, in);
            case SDK_FLOAT -> sdkArea(in, out);
            case PILLOW_8BIT -> pillow(in, out);
            case OPENCV_AREA_BLOCK -> openCvBlock(in, out);
            case OPENCV_AREA -> openCvArea(in, out);
            case OPENCV_AREA_LINEAR -> openCvLinear(in, out);
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Pillow (src/libImaging/Resample.c, identical arithmetic from 9.0 to 12.3)

    private double filter(double x) {
        switch (this) {
            case BOX:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR: {
                double a = x < 0 ? -x : x;
                return a < 1.0 ? 1.0 - a : 0.0;
            }
            case BICUBIC: {
                final double a = -0.5;
                double t = x < 0 ? -x : x;
                if (t < 1.0) {
                    return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
                }
                if (t < 2.0) {
                    return (((t - 5) * t + 8) * t - 4) * a;
                }
                return 0.0;
            }
            case LANCZOS:
                return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            default:
                throw new IllegalStateException(this + " is not a Pillow filter");
        }
    }

    /** Pillow's {@code sinc_filter}; fdlibm's sine (StrictMath), which agrees with glibc's where Math.sin may not. */
    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double t = x * Math.PI;
        return StrictMath.sin(t) / t;
    }

    /** Pillow's {@code precompute_coeffs} with the whole source as the box; evaluation order kept. */
    private ResizeKernel pillow(int inSize, int outSize) {
        float in0 = 0f;
        float in1 = inSize;
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = Math.max(scale, 1.0);
        double sup = support * filterscale;
        int ksize = (int) Math.ceil(sup) * 2 + 1;
        double invFilterscale = 1.0 / filterscale;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        double[] k = new double[Math.multiplyExact(outSize, ksize)];
        int maxTaps = 1;
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            int xmin = (int) (center - sup + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + sup + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            int base = xx * ksize;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter((x + xmin - center + 0.5) * invFilterscale);
                k[base + x] = w;
                ww += w;
            }
            if (ww != 0.0) {
                for (int x = 0; x < xmax; x++) {
                    k[base + x] /= ww;
                }
            }
            first[xx] = xmin;
            count[xx] = xmax;
            maxTaps = Math.max(maxTaps, xmax);
        }
        return new ResizeKernel(this, inSize, outSize, first, count, restride(k, outSize, ksize, maxTaps), maxTaps,
                ResizeKernel.Arithmetic.PILLOW_8BIT);
    }

    private static double[] restride(double[] k, int rows, int from, int to) {
        if (from == to) {
            return k;
        }
        double[] out = new double[rows * to];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(k, r * from, out, r * to, Math.min(from, to));
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // OpenCV INTER_AREA (modules/imgproc/src/resize.cpp: resizeAreaFast_, computeResizeAreaTab, the area_mode
    // branch of the linear coefficients)

    private ResizeKernel openCvBlock(int inSize, int outSize) {
        int s = (int) Math.rint(1.0 / ((double) outSize / inSize));
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        double[] w = new double[outSize * s];
        for (int i = 0; i < outSize; i++) {
            first[i] = i * s;
            count[i] = s;
            for (int k = 0; k < s; k++) {
                w[i * s + k] = 1.0 / s;
            }
        }
        return new ResizeKernel(this, inSize, outSize, first, count, w, s, ResizeKernel.Arithmetic.OPENCV_AREA_BLOCK);
    }

    /** {@code computeResizeAreaTab}: full pixels weigh {@code 1 / cellWidth}, cut ones their covered fraction. */
    private ResizeKernel openCvArea(int inSize, int outSize) {
        double scale = 1.0 / ((double) outSize / inSize);
        int maxTaps = (int) Math.ceil(scale) + 2;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        double[] w = new double[outSize * maxTaps];
        int widest = 1;
        for (int dx = 0; dx < outSize; dx++) {
            double fsx1 = dx * scale;
            double fsx2 = fsx1 + scale;
            double cellWidth = Math.min(scale, inSize - fsx1);
            int sx1 = (int) Math.ceil(fsx1);
            int sx2 = (int) Math.floor(fsx2);
            sx2 = Math.min(sx2, inSize - 1);
            sx1 = Math.min(sx1, sx2);
            int n = 0;
            int base = dx * maxTaps;
            if (sx1 - fsx1 > 1e-3) {
                first[dx] = sx1 - 1;
                w[base + n++] = (float) ((sx1 - fsx1) / cellWidth);
            } else {
                first[dx] = sx1;
            }
            for (int sx = sx1; sx < sx2; sx++) {
                w[base + n++] = (float) (1.0 / cellWidth);
            }
            if (fsx2 - sx2 > 1e-3) {
                w[base + n++] = (float) (Math.min(Math.min(fsx2 - sx2, 1.0), cellWidth) / cellWidth);
            }
            count[dx] = n;
            widest = Math.max(widest, n);
        }
        return new ResizeKernel(this, inSize, outSize, first, count, restride(w, outSize, maxTaps, widest), widest,
                ResizeKernel.Arithmetic.OPENCV_AREA);
    }

    /**
     * The bilinear emulation OpenCV's {@code INTER_AREA} uses when an axis grows: {@code sx = floor(dx * scale)},
     * {@code fx = (dx + 1) - (sx + 1) / scale} (fractional part, float), taps {@code 1 - fx, fx}; edges clamp to a
     * single tap.
     */
    private ResizeKernel openCvLinear(int inSize, int outSize) {
        double inv = (double) outSize / inSize;
        double scale = 1.0 / inv;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        double[] w = new double[outSize * 2];
        for (int dx = 0; dx < outSize; dx++) {
            int sx = (int) Math.floor(dx * scale);
            float fx = (float) ((dx + 1) - (sx + 1) * inv);
            fx = fx <= 0 ? 0f : fx - (float) Math.floor(fx);
            if (sx < 0) {
                fx = 0;
                sx = 0;
            }
            if (sx + 1 >= inSize) {
                fx = 0;
                sx = inSize - 1;
            }
            first[dx] = sx;
            if (fx == 0f) {
                count[dx] = 1;
                w[2 * dx] = 1.0;
            } else {
                count[dx] = 2;
                w[2 * dx] = 1.f - fx;
                w[2 * dx + 1] = fx;
            }
        }
        return new ResizeKernel(this, inSize, outSize, first, count, w, 2, ResizeKernel.Arithmetic.OPENCV_AREA_LINEAR);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The SDK's own resampling (what every release before model.json had filters used)

    private ResizeKernel sdkArea(int src, int dst) {
        double ratio = (double) src / dst;
        int[] first = new int[dst];
        int[] count = new int[dst];
        double[][] contrib = new double[dst][];
        int maxTaps = 1;
        for (int i = 0; i < dst; i++) {
            if (src > dst) {
                // area: every source pixel counts in proportion to its overlap with the output cell
                double a = i * ratio;
                double b = Math.min(src, (i + 1) * ratio);
                int lo = (int) Math.floor(a);
                int hi = Math.min(src - 1, (int) Math.ceil(b) - 1);
                double[] w = new double[hi - lo + 1];
                for (int j = lo; j <= hi; j++) {
                    w[j - lo] = Math.max(0, Math.min(b, j + 1) - Math.max(a, j));
                }
                first[i] = lo;
                contrib[i] = w;
            } else {
                // bilinear with pixel-centre alignment, clamped at the edges
                double x = (i + 0.5) * ratio - 0.5;
                int x0 = (int) Math.floor(x);
                double f = x - x0;
                if (x0 < 0) {
                    first[i] = 0;
                    contrib[i] = new double[] {1};
                } else if (x0 >= src - 1) {
                    first[i] = src - 1;
                    contrib[i] = new double[] {1};
                } else {
                    first[i] = x0;
                    contrib[i] = new double[] {1 - f, f};
                }
            }
            count[i] = contrib[i].length;
            maxTaps = Math.max(maxTaps, count[i]);
        }
        double[] w = new double[dst * maxTaps];
        for (int i = 0; i < dst; i++) {
            double sum = 0;
            for (double c : contrib[i]) {
                sum += c;
            }
            for (int k = 0; k < contrib[i].length; k++) {
                w[i * maxTaps + k] = contrib[i][k] / sum;
            }
        }
        return new ResizeKernel(this, src, dst, first, count, w, maxTaps, ResizeKernel.Arithmetic.SDK_FLOAT);
    }
}
