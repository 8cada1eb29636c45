package dev.matting.spi;

import dev.matting.common.RgbImage;
import dev.matting.model.ModelSpec;
import dev.matting.model.ResizeKernel;
import java.util.Objects;

/**
 * Everything a backend needs to run the image stages of one input on its device instead of the CPU: the decoded
 * 8-bit source, how it maps onto the model input (resampled to {@code scaledWidth x scaledHeight} with the model's
 * input filter, placed at the top-left, padded to {@code paddedWidth x paddedHeight} by repeating the edge), the
 * model's descriptor (normalisation, input type, output adapter), and the resize kernels both ways, computed here
 * from the descriptor's filters so that a device and the CPU use the very same weights. Immutable.
 */
public final class DevicePlan {
    private final RgbImage image;
    private final int scaledWidth;
    private final int scaledHeight;
    private final int paddedWidth;
    private final int paddedHeight;
    private final ModelSpec spec;
    private final ResizeKernel inX;
    private final ResizeKernel inY;
    private final ResizeKernel outX;
    private final ResizeKernel outY;

    private DevicePlan(RgbImage image, int scaledWidth, int scaledHeight, int paddedWidth, int paddedHeight,
            ModelSpec spec) {
        this.image = Objects.requireNonNull(image, "image");
        this.spec = Objects.requireNonNull(spec, "spec");
        if (scaledWidth < 1 || scaledHeight < 1 || paddedWidth < scaledWidth || paddedHeight < scaledHeight) {
            throw new IllegalArgumentException("bad geometry: scaled " + scaledWidth + "x" + scaledHeight + ", padded "
                    + paddedWidth + "x" + paddedHeight);
        }
        this.scaledWidth = scaledWidth;
        this.scaledHeight = scaledHeight;
        this.paddedWidth = paddedWidth;
        this.paddedHeight = paddedHeight;
        ResizeKernel[] in = spec.inputResize().kernels(image.width(), image.height(), scaledWidth, scaledHeight);
        ResizeKernel[] out = spec.output().resize().kernels(scaledWidth, scaledHeight, image.width(), image.height());
        this.inX = in[0];
        this.inY = in[1];
        this.outX = out[0];
        this.outY = out[1];
    }

    /** The plan for {@code image} under {@code spec}, with the geometry its input policy gives. */
    public static DevicePlan of(RgbImage image, int scaledWidth, int scaledHeight, int paddedWidth, int paddedHeight,
            ModelSpec spec) {
        return new DevicePlan(image, scaledWidth, scaledHeight, paddedWidth, paddedHeight, spec);
    }

    /** The decoded source, upright, 8-bit RGB. */
    public RgbImage image() {
        return image;
    }

    /** Width of the resampled image inside the model input. */
    public int scaledWidth() {
        return scaledWidth;
    }

    /** Height of the resampled image inside the model input. */
    public int scaledHeight() {
        return scaledHeight;
    }

    /** Width of the model input. */
    public int paddedWidth() {
        return paddedWidth;
    }

    /** Height of the model input. */
    public int paddedHeight() {
        return paddedHeight;
    }

    /** The model's descriptor: normalisation, input type, input filter, output adapter. */
    public ModelSpec spec() {
        return spec;
    }

    /** Source width to scaled width, with the model's input filter. */
    public ResizeKernel inX() {
        return inX;
    }

    /** Source height to scaled height, with the model's input filter. */
    public ResizeKernel inY() {
        return inY;
    }

    /** Scaled width back to the source width, with the model's output filter. */
    public ResizeKernel outX() {
        return outX;
    }

    /** Scaled height back to the source height, with the model's output filter. */
    public ResizeKernel outY() {
        return outY;
    }

    @Override
    public String toString() {
        return "DevicePlan[" + image.width() + "x" + image.height() + " -> " + scaledWidth + "x" + scaledHeight
                + " in " + paddedWidth + "x" + paddedHeight + ", " + spec.name() + "]";
    }
}
