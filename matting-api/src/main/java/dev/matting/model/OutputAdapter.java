package dev.matting.model;

import java.util.Objects;

/**
 * How a model output becomes an 8-bit alpha at the source size: which output ({@code index}) and {@code channel}
 * hold it, the {@link Activation} it still needs, how {@code [0, 1]} is quantised to 0..255 and which
 * {@link ResizeFilter} takes it back to the source size.
 *
 * @param index      which of the model's outputs holds the alpha, from 0
 * @param channel    which channel of that output, from 0
 * @param activation what the raw values still need to become alpha in [0, 1]
 * @param quantize   how [0, 1] becomes 0..255
 * @param resize     the filter that takes the alpha back to the source size
 */
public record OutputAdapter(int index, int channel, Activation activation, Quantize quantize, ResizeFilter resize) {

    /** The transform that turns the raw output into alpha in [0, 1]; per image, in float32 as numpy computes it. */
    public enum Activation {
        /** The output already is alpha; values outside [0, 1] are clamped. */
        NONE,
        /** {@code 1 / (1 + exp(-x))}. */
        SIGMOID,
        /** {@code (x - min) / (max - min)} over the image (0 where the image is flat): rembg's U²-Net and ISNet. */
        MINMAX,
        /** Sigmoid, then min-max: rembg's BiRefNet. */
        SIGMOID_MINMAX
    }

    /** How an alpha in [0, 1] becomes 0..255 (NaN and values below 0 become 0, values above 1 become 255). */
    public enum Quantize {
        /** {@code (int) (a * 255 + 0.5)}: the nearest level. */
        ROUND,
        /** {@code (int) (a * 255)}: numpy's {@code (a * 255).astype(uint8)}, as rembg and MODNet do. */
        FLOOR;

        /** The 8-bit level of {@code a}, computed in float. */
        public int apply(float a) {
            if (!(a > 0)) {
                return 0;
            }
            if (a >= 1) {
                return 255;
            }
            return this == ROUND ? (int) (a * 255f + 0.5f) : (int) (a * 255f);
        }
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when {@code index} or {@code channel} is negative
     * @throws NullPointerException     when {@code activation}, {@code quantize} or {@code resize} is {@code null}
     */
    public OutputAdapter {
        if (index < 0 || channel < 0) {
            throw new IllegalArgumentException("output index and channel must be >= 0");
        }
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(quantize, "quantize");
        Objects.requireNonNull(resize, "resize");
    }

    /** Rounded, and back to the source size by the SDK's own resampling: what descriptors without these fields get. */
    public OutputAdapter(int index, int channel, Activation activation) {
        this(index, channel, activation, Quantize.ROUND, ResizeFilter.SDK_AREA);
    }

    /** Applies the activation in place to one image's alpha plane. */
    public void apply(float[] alpha) {
        switch (activation) {
            case NONE -> {
                for (int i = 0; i < alpha.length; i++) {
                    alpha[i] = Math.min(1f, Math.max(0f, alpha[i]));
                }
            }
            case SIGMOID -> sigmoid(alpha);
            case MINMAX -> minMax(alpha);
            case SIGMOID_MINMAX -> {
                sigmoid(alpha);
                minMax(alpha);
            }
        }
    }

    /** numpy's {@code 1 / (1 + np.exp(-x))} on float32: each step rounded to float. */
    private static void sigmoid(float[] alpha) {
        for (int i = 0; i < alpha.length; i++) {
            float e = (float) Math.exp(-alpha[i]);
            alpha[i] = 1f / (1f + e);
        }
    }

    /** {@code (x - mi) / (ma - mi)} in float32; a flat image (ma == mi) gives 0 where numpy would give NaN. */
    private static void minMax(float[] alpha) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : alpha) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float range = hi - lo;
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = range > 0 ? (alpha[i] - lo) / range : 0f;
        }
    }
}
