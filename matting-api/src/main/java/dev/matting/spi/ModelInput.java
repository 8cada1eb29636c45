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
     * A blank input of the shape warm-up and memory calibration run: what most traffic has, or the largest it can
     * have. Fixed-square and longest-side: a square source (the largest shape they give); stretch: its
     * {@code width x height}; short-side: what a 4:3 landscape photo 1024 pixels wide becomes (672 x 512 for MODNet's
     * 512 / 32), since its shapes follow the photo and a typical camera photo is the common case.
     */
    public static ModelInput blank(ModelSpec spec) {
        InputPolicy policy = spec.policy();
        InputPolicy.Size size = policy instanceof InputPolicy.ShortSide s ? s.scale(1024, 768)
                : policy.pad(policy.scale(4096, 4096));
        int n = 3 * size.width() * size.height();
        return spec.inputType() == InputType.UINT8 ? ModelInput.ofPixels(size.height(), size.width(), new byte[n])
                : ModelInput.ofValues(size.height(), size.width(), new float[n]);
    }

    /** An input of raw 8-bit pixels, CHW. */
    public static ModelInput ofPixels(int height, int width, byte[] chw) {
        return new ModelInput(height, width, chw, null);
    }

    /** An input of normalised float values, CHW. */
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
