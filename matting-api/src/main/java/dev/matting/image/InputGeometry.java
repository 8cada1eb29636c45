package dev.matting.image;

import dev.matting.model.InputPolicy;

/**
 * How a source image maps onto the model input: scaled to {@code scaledWidth x scaledHeight} (aspect kept), placed
 * at the top-left, and padded to {@code paddedWidth x paddedHeight}. The alpha comes back by the inverse.
 */
public record InputGeometry(int sourceWidth, int sourceHeight, int scaledWidth, int scaledHeight, int paddedWidth,
        int paddedHeight) {

    /** The geometry a policy gives for a source size (TODO: helper A implements). */
    public static InputGeometry plan(int sourceWidth, int sourceHeight, InputPolicy policy) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
