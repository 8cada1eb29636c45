package dev.matting.image;

/**
 * Maps a model-resolution alpha back to the source pixel grid: drops the padding, resamples the scaled region to the
 * source size with the same pixel-centre mapping the way in used (bilinear up, area-averaged down), and quantises
 * {@code [0, 1]} to 0..255 with rounding.
 */
public final class AlphaRestorer {
    private AlphaRestorer() {
    }

    /**
     * @param alpha paddedHeight x paddedWidth values in [0, 1], row-major; values outside are clamped, NaN reads as 0
     * @return sourceWidth x sourceHeight 8-bit alpha, row-major
     * @throws IllegalArgumentException when {@code alpha} does not hold the padded size
     */
    public static byte[] restore(float[] alpha, InputGeometry geometry) {
        int pw = geometry.paddedWidth();
        int ph = geometry.paddedHeight();
        if (alpha.length != pw * ph) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values, expected " + pw + "x" + ph);
        }
        return Resampler.planeToBytes(alpha, pw, geometry.scaledWidth(), geometry.scaledHeight(),
                geometry.sourceWidth(), geometry.sourceHeight());
    }
}
