package dev.matting.pipeline;

import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import dev.matting.image.InputGeometry;
import dev.matting.spi.ModelInput;

/** An input after decode and preprocess: what the forward pass needs, and what the way back needs. */
public record Prepared(ImageSource source, RgbImage image, InputGeometry geometry, ModelInput input) {
}
