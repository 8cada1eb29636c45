package dev.matting.pipeline;

import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import dev.matting.image.InputGeometry;
import dev.matting.spi.ModelInput;

/**
 * An input after decode and preprocess: what the forward pass needs, and what the way back needs.
 *
 * @param source   the input as given
 * @param image    its decoded pixels (EXIF orientation applied)
 * @param geometry how it maps onto the model input, and the alpha back onto it
 * @param input    the model input: prepared on the CPU, or a plan for a backend to prepare on its device
 */
public record Prepared(ImageSource source, RgbImage image, InputGeometry geometry, ModelInput input) {
}
