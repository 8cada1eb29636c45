package dev.matting.image;

import dev.matting.model.InputPolicy;
import java.util.Objects;

/**
 * How a source image maps onto the model input: resampled to {@code scaledWidth x scaledHeight} (by the model's
 * {@link InputPolicy}: aspect kept, stretched or MODNet's short-side rule), placed at the top-left, and padded to
 * {@code paddedWidth x paddedHeight}. The alpha comes back by the inverse.
 *
 * @param sourceWidth  the decoded source's width in pixels
 * @param sourceHeight the decoded source's height in pixels
 * @param scaledWidth  the width the source is resampled to
 * @param scaledHeight the height the source is resampled to
 * @param paddedWidth  the model input's width, at least {@code scaledWidth}; the padding is at the right
 * @param paddedHeight the model input's height, at least {@code scaledHeight}; the padding is at the bottom
 */
public record InputGeometry(int sourceWidth, int sourceHeight, int scaledWidth, int scaledHeight, int paddedWidth,
        int paddedHeight) {

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException when a source or scaled side is below 1, or the padded size is smaller than the
     *     scaled one
     */
    public InputGeometry {
        if (sourceWidth < 1 || sourceHeight < 1 || scaledWidth < 1 || scaledHeight < 1) {
            throw new IllegalArgumentException("geometry sizes must be >= 1, got source " + sourceWidth + "x"
                    + sourceHeight + ", scaled " + scaledWidth + "x" + scaledHeight);
        }
        if (paddedWidth < scaledWidth || paddedHeight < scaledHeight) {
            throw new IllegalArgumentException("padded size " + paddedWidth + "x" + paddedHeight
                    + " is smaller than the scaled size " + scaledWidth + "x" + scaledHeight);
        }
    }

    /**
     * The geometry a policy gives for a source size: {@link InputPolicy#scale} then {@link InputPolicy#pad}. Small
     * images are scaled up: the model sees what it was trained on.
     *
     * @throws IllegalArgumentException when the source is empty or the policy cannot size it (a side over
     *     {@link InputPolicy#MAX_SIDE})
     */
    public static InputGeometry plan(int sourceWidth, int sourceHeight, InputPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        InputPolicy.Size scaled = policy.scale(sourceWidth, sourceHeight);
        InputPolicy.Size padded = policy.pad(scaled);
        return new InputGeometry(sourceWidth, sourceHeight, scaled.width(), scaled.height(), padded.width(),
                padded.height());
    }

    /** True when the image needs no resampling on the way in. */
    public boolean isUnscaled() {
        return scaledWidth == sourceWidth && scaledHeight == sourceHeight;
    }
}
