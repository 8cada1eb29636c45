package dev.matting.image;

import dev.matting.model.ModelSpec;
import dev.matting.spi.ModelInput;

/** Resizes, pads and lays out an image as the model's input tensor (TODO: helper A implements). */
public final class Preprocessor {
    private Preprocessor() {
    }

    public static ModelInput prepare(RgbImage image, InputGeometry geometry, ModelSpec spec) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
