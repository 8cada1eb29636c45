package dev.matting.spi;

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
