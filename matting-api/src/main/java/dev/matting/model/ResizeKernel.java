package dev.matting.model;

import java.util.Arrays;

/**
 * The weights a {@link ResizeFilter} uses along one axis to map {@code inSize} samples onto {@code outSize}: for
 * each output index the first source index, the number of taps and the normalised weights, plus the arithmetic the
 * filter's authors use to apply them. What a resize computes is fully described by two of these (horizontal and
 * vertical) and their {@link #arithmetic()}: the CPU path applies them in Java, a device path can turn them into
 * dense {@code out x in} matrices ({@link #dense()}) and run the resize as two matrix products.
 *
 * <p>Immutable; the accessors that return arrays return copies.
 */
public final class ResizeKernel {

    /**
     * How the weighted sums are computed and rounded, which is what makes two implementations of "the same filter"
     * agree to the last bit or not.
     */
    public enum Arithmetic {
        /** Nothing to compute: every output is its source sample ({@code inSize == outSize}; Pillow skips the pass). */
        IDENTITY,
        /**
         * The SDK's own resampling: float weights, float sums, no rounding until the end of both passes. Horizontal
         * pass first.
         */
        SDK_FLOAT,
        /**
         * Pillow's 8-bit path: weights to 22-bit fixed point (round half away from zero), each pass sums
         * {@code 1 << 21 + sample * weight} in 32-bit integers, shifts right by 22 and clamps to 0..255; horizontal
         * pass first, its output rounded to 8 bits before the vertical pass.
         */
        PILLOW_8BIT,
        /**
         * OpenCV {@code INTER_AREA} when both axes shrink by whole factors ({@code resizeAreaFast}): the plain mean of
         * each block. 8-bit: {@code (sum + 2) >> 2} for 2x2 blocks, else {@code cvRound(sum * (1f / area))}; float:
         * {@code sum * (float) (1 / area)}.
         */
        OPENCV_AREA_BLOCK,
        /**
         * OpenCV {@code INTER_AREA} when both axes shrink ({@code resizeArea}): each source pixel weighs its coverage
         * of the output cell (float weights); sums in float (8-bit data, rounded half to even at the end) or double.
         */
        OPENCV_AREA,
        /**
         * OpenCV {@code INTER_AREA} when an axis grows: its bilinear emulation (two taps {@code 1 - fx, fx}, float).
         * 8-bit: weights to 11-bit fixed point, products summed in integers and shifted right by 22 with rounding;
         * float: summed in double.
         */
        OPENCV_AREA_LINEAR
    }

    private final ResizeFilter filter;
    private final int inSize;
    private final int outSize;
    private final int[] first;
    private final int[] count;
    private final int maxTaps;
    private final double[] weights;
    private final Arithmetic arithmetic;

    ResizeKernel(ResizeFilter filter, int inSize, int outSize, int[] first, int[] count, double[] weights, int maxTaps,
            Arithmetic arithmetic) {
        this.filter = filter;
        this.inSize = inSize;
        this.outSize = outSize;
        this.first = first;
        this.count = count;
        this.weights = weights;
        this.maxTaps = maxTaps;
        this.arithmetic = arithmetic;
    }

    /** The identity on {@code size} samples: one tap of weight 1 per output. */
    static ResizeKernel identity(ResizeFilter filter, int size) {
        int[] first = new int[size];
        int[] count = new int[size];
        double[] w = new double[size];
        for (int i = 0; i < size; i++) {
            first[i] = i;
            count[i] = 1;
            w[i] = 1;
        }
        return new ResizeKernel(filter, size, size, first, count, w, 1, Arithmetic.IDENTITY);
    }

    /** The filter these weights belong to. */
    public ResizeFilter filter() {
        return filter;
    }

    /** Number of source samples along the axis. */
    public int inSize() {
        return inSize;
    }

    /** Number of output samples along the axis. */
    public int outSize() {
        return outSize;
    }

    /** The largest tap count of any output; the weights are stored with this stride. */
    public int maxTaps() {
        return maxTaps;
    }

    /** How the weights are applied and rounded. */
    public Arithmetic arithmetic() {
        return arithmetic;
    }

    /** True when every output is its own source sample. */
    public boolean isIdentity() {
        return arithmetic == Arithmetic.IDENTITY;
    }

    /** First source index that output {@code out} reads. */
    public int first(int out) {
        return first[out];
    }

    /** How many consecutive source samples, from {@link #first(int)}, output {@code out} reads. */
    public int count(int out) {
        return count[out];
    }

    /** Weight of tap {@code tap} ({@code 0 <= tap < count(out)}) of output {@code out}. */
    public double weight(int out, int tap) {
        if (tap < 0 || tap >= count[out]) {
            throw new IndexOutOfBoundsException("output " + out + " has " + count[out] + " taps, asked for " + tap);
        }
        return weights[out * maxTaps + tap];
    }

    /** First source index per output (a copy). */
    public int[] firsts() {
        return first.clone();
    }

    /** Tap count per output (a copy). */
    public int[] counts() {
        return count.clone();
    }

    /** All weights, {@code outSize x maxTaps} row-major, unused taps 0 (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    /** The kernel as a dense {@code outSize x inSize} matrix, row-major: {@code out = M * in}. */
    public double[] dense() {
        double[] m = new double[Math.multiplyExact(outSize, inSize)];
        for (int o = 0; o < outSize; o++) {
            for (int k = 0; k < count[o]; k++) {
                m[o * inSize + first[o] + k] += weights[o * maxTaps + k];
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "ResizeKernel[" + filter.key() + " " + inSize + " -> " + outSize + ", " + arithmetic + ", max "
                + maxTaps + " taps]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResizeKernel k && k.filter == filter && k.inSize == inSize && k.outSize == outSize
                && k.arithmetic == arithmetic && Arrays.equals(k.first, first) && Arrays.equals(k.count, count)
                && Arrays.equals(k.weights, weights);
    }

    @Override
    public int hashCode() {
        return ((filter.hashCode() * 31 + inSize) * 31 + outSize) * 31 + Arrays.hashCode(weights);
    }
}
