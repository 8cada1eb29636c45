package dev.matting.image;

import dev.matting.model.InputPolicy;
import java.util.Objects;

/**
 * How a source image maps onto the model input: scaled to {@code scaledWidth x scaledHeight} (aspect kept), placed
 * at the top-left, and padded to {@code paddedWidth x paddedHeight}. The alpha comes back by the inverse.
 */
public record InputGeometry(int sourceWidth, int sourceHeight, int scaledWidth, int scaledHeight, int paddedWidth,
        int paddedHeight) {

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
     * The geometry a policy gives for a source size. {@link InputPolicy.FixedSquare}: the longest side becomes
     * {@code size}, the other is rounded (at least 1), and both are padded to {@code size}.
     * {@link InputPolicy.LongestSide}: the longest side becomes {@code size}, the other is rounded (at least 1), and
     * each is padded up to a multiple of {@code multiple}. Small images are scaled up: the model sees what it was
     * trained on.
     */
    public static InputGeometry plan(int sourceWidth, int sourceHeight, InputPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (sourceWidth < 1 || sourceHeight < 1) {
            throw new IllegalArgumentException("source must be at least 1x1, got " + sourceWidth + "x" + sourceHeight);
        }
        int size = policy instanceof InputPolicy.FixedSquare f ? f.size() : ((InputPolicy.LongestSide) policy).size();
        int scaledW;
        int scaledH;
        if (sourceWidth >= sourceHeight) {
            scaledW = size;
            scaledH = scaleSide(sourceHeight, size, sourceWidth);
        } else {
            scaledH = size;
            scaledW = scaleSide(sourceWidth, size, sourceHeight);
        }
        if (policy instanceof InputPolicy.LongestSide l) {
            return new InputGeometry(sourceWidth, sourceHeight, scaledW, scaledH, roundUp(scaledW, l.multiple()),
                    roundUp(scaledH, l.multiple()));
        }
        return new InputGeometry(sourceWidth, sourceHeight, scaledW, scaledH, size, size);
    }

    /** {@code round(side * size / longest)}, at least 1; integer arithmetic so large sizes cannot drift. */
    private static int scaleSide(int side, int size, int longest) {
        long v = (2L * side * size + longest) / (2L * longest);
        return (int) Math.max(1, v);
    }

    private static int roundUp(int v, int multiple) {
        long r = ((long) v + multiple - 1) / multiple * multiple;
        if (r > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("padded side " + r + " overflows");
        }
        return (int) r;
    }

    /** True when the image needs no resampling on the way in. */
    public boolean isUnscaled() {
        return scaledWidth == sourceWidth && scaledHeight == sourceHeight;
    }
}
