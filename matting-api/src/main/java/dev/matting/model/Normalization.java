package dev.matting.model;

import java.util.Arrays;

/**
 * Pixel normalisation {@code (p * scale - mean[c]) / std[c]}. When {@code inGraph} is true the model does it itself
 * from uint8 pixels and the SDK feeds raw pixels; otherwise the SDK applies it and feeds float32.
 */
public record Normalization(boolean inGraph, double scale, float[] mean, float[] std) {
    public Normalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be > 0, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && n.inGraph == inGraph && n.scale == scale
                && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(inGraph) * 31 + Double.hashCode(scale) * 17 + Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[inGraph=" + inGraph + ", scale=" + scale + ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std) + "]";
    }
}
