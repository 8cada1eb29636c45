package dev.matting.model;

import java.util.Arrays;

/**
 * Pixel normalisation {@code (p * scale - mean[c]) / std[c]}, computed in double and cast to float as numpy does.
 * With {@code imageMax} the scale is {@code 1 / max(m, 1e-6)}, {@code m} the largest 8-bit value over all channels of
 * the resized image (rembg's "divide by the image maximum": dark images are stretched to full range). When
 * {@code inGraph} is true the model normalises uint8 pixels itself and the SDK feeds raw pixels; otherwise the SDK
 * applies it and feeds float32.
 *
 * @param inGraph  the model normalises in its graph (uint8 input)
 * @param scale    the factor applied to each 8-bit value; ignored (NaN) when {@code imageMax}
 * @param mean     per channel, R G B
 * @param std      per channel, R G B, each &gt; 0
 * @param imageMax scale by the image's own maximum instead of {@code scale}
 */
public record Normalization(boolean inGraph, double scale, double[] mean, double[] std, boolean imageMax) {
    /**
     * Checks the values and copies the arrays; with {@code imageMax}, {@code scale} becomes NaN whatever is given.
     *
     * @throws IllegalArgumentException when mean or std is not three finite values, a std is not above 0, or (without
     *     {@code imageMax}) {@code scale} is not finite and above 0
     */
    public Normalization {
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        for (double m : mean) {
            if (!Double.isFinite(m)) {
                throw new IllegalArgumentException("mean values must be finite, got " + Arrays.toString(mean));
            }
        }
        for (double s : std) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("std values must be finite and > 0, got " + Arrays.toString(std));
            }
        }
        if (imageMax) {
            scale = Double.NaN;
        } else if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** A fixed scale; the mean and std given as floats (their float values, widened). */
    public Normalization(boolean inGraph, double scale, float[] mean, float[] std) {
        this(inGraph, scale, widen(mean), widen(std), false);
    }

    /** rembg's normalisation: divide by the image's maximum, then {@code (x - mean) / std}, for a float32 input. */
    public static Normalization imageMax(double[] mean, double[] std) {
        return new Normalization(false, Double.NaN, mean, std, true);
    }

    private static double[] widen(float[] v) {
        if (v == null) {
            return null;
        }
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** The per-channel means, R G B; a copy. */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** The per-channel standard deviations, R G B; a copy. */
    @Override
    public double[] std() {
        return std.clone();
    }

    /**
     * The 256-entry table of normalised values of channel {@code c} for 8-bit pixels, given the image's maximum
     * (only read when {@link #imageMax()}): {@code (float) ((p * scale - mean[c]) / std[c])}, or for the image
     * maximum {@code (float) ((p / max(m, 1e-6) - mean[c]) / std[c])} in double.
     */
    public float[] table(int c, int imageMaximum) {
        float[] lut = new float[256];
        double divisor = Math.max(imageMaximum, 1e-6);
        for (int p = 0; p < 256; p++) {
            double v = imageMax ? p / divisor : p * scale;
            lut[p] = (float) ((v - mean[c]) / std[c]);
        }
        return lut;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && n.inGraph == inGraph && n.imageMax == imageMax
                && Double.compare(n.scale, scale) == 0 && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(inGraph) * 31 + Boolean.hashCode(imageMax) * 7 + Double.hashCode(scale) * 17
                + Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[inGraph=" + inGraph + ", scale=" + (imageMax ? "image-max" : Double.toString(scale))
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
