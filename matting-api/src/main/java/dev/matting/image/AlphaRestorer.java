package dev.matting.image;

/** Maps a model-resolution alpha back to the source pixel grid: un-pad, smooth up-scale, quantise (TODO: helper A). */
public final class AlphaRestorer {
    private AlphaRestorer() {
    }

    /** @param alpha paddedHeight x paddedWidth values in [0, 1] @return sourceWidth x sourceHeight 8-bit alpha */
    public static byte[] restore(float[] alpha, InputGeometry geometry) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
