package dev.matting.internal;

import dev.matting.api.ImageSource;
import dev.matting.image.InputGeometry;
import dev.matting.image.RgbImage;
import dev.matting.spi.ModelInput;

/** An input after decode and preprocess: what the forward pass needs, and what the way back needs. */
public record Prepared(ImageSource source, RgbImage image, InputGeometry geometry, ModelInput input) {
}
