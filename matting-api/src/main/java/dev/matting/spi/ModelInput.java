package dev.matting.spi;

import dev.matting.model.InputPolicy;
import dev.matting.model.InputType;
import dev.matting.model.ModelSpec;

/**
 * One image, resized and padded for the model, in planar CHW order (3 x height x width): raw RGB pixels for a
 * uint8 model, normalised floats for a float32 one. Exactly one of {@code pixels} and {@code values} is set.
 * Arrays are handed over, not copied: nobody changes them after construction.
 */
public record ModelInput(int height, int width, byte[] pixels, float[] values) {
    public ModelInput {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("model input must be at least 1x1, got " + width + "x" + height);
        }
        if ((pixels == null) == (values == null)) {
            throw new IllegalArgumentException("exactly one of pixels and values must be set");
        }
        int n = 3 * height * width;
        int got = pixels != null ? pixels.length : values.length;
        if (got != n) {
            throw new IllegalArgumentException("model input " + width + "x" + height + " needs " + n + " elements, got " + got);
        }
    }

    /**
     * A blank input of the largest shape {@code spec}'s policy gives (a square source): what warm-up and memory calibration
     * run, since most traffic has that shape or a smaller one.
     */
    public static ModelInput blank(ModelSpec spec) {
        int side;
        if (spec.policy() instanceof InputPolicy.FixedSquare f) {
            side = f.size();
        } else {
            InputPolicy.LongestSide l = (InputPolicy.LongestSide) spec.policy();
            side = (l.size() + l.multiple() - 1) / l.multiple() * l.multiple();
        }
        int n = 3 * side * side;
        return spec.inputType() == InputType.UINT8 ? ModelInput.ofPixels(side, side, new byte[n])
                : ModelInput.ofValues(side, side, new float[n]);
    }

    public static ModelInput ofPixels(int height, int width, byte[] chw) {
        return new ModelInput(height, width, chw, null);
    }

    public static ModelInput ofValues(int height, int width, float[] chw) {
        return new ModelInput(height, width, null, chw);
    }

    public boolean isPixels() {
        return pixels != null;
    }

    /** Inputs with equal shape keys can share one forward pass. */
    public Shape shape() {
        return new Shape(height, width);
    }

    /** Height and width of a model input: the unit micro-batches are grouped by. */
    public record Shape(int height, int width) {
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }
}
