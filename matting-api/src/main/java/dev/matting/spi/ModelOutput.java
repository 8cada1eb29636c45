package dev.matting.spi;

import java.util.Objects;

/**
 * What one forward pass gives back for one image: the raw alpha plane at model resolution ({@link #ofPlane}; output
 * and channel selected, activation not yet applied), or, for an input the backend prepared on its device, the
 * finished 8-bit alpha at the source size ({@link #ofAlpha}; activated, quantised, resized back, before
 * post-processing). Arrays are handed over, not copied.
 */
public final class ModelOutput {
    private final float[] plane;
    private final byte[] alpha;

    private ModelOutput(float[] plane, byte[] alpha) {
        this.plane = plane;
        this.alpha = alpha;
    }

    /** A raw alpha plane, {@code height x width} of the model input, row-major. */
    public static ModelOutput ofPlane(float[] plane) {
        return new ModelOutput(Objects.requireNonNull(plane, "plane"), null);
    }

    /** A finished alpha, one byte per source pixel, row-major. */
    public static ModelOutput ofAlpha(byte[] alpha) {
        return new ModelOutput(null, Objects.requireNonNull(alpha, "alpha"));
    }

    /** True for a raw plane, false for a finished alpha. */
    public boolean isPlane() {
        return plane != null;
    }

    /**
     * The raw plane.
     *
     * @throws IllegalStateException when this is a finished alpha
     */
    public float[] plane() {
        if (plane == null) {
            throw new IllegalStateException("this output is a finished alpha, not a raw plane");
        }
        return plane;
    }

    /**
     * The finished alpha.
     *
     * @throws IllegalStateException when this is a raw plane
     */
    public byte[] alpha() {
        if (alpha == null) {
            throw new IllegalStateException("this output is a raw plane, not a finished alpha");
        }
        return alpha;
    }

    @Override
    public String toString() {
        return plane != null ? "ModelOutput[plane of " + plane.length + "]" : "ModelOutput[alpha of " + alpha.length + "]";
    }
}
