package dev.matting.image;

import dev.matting.model.OutputAdapter;
import dev.matting.model.ResizeFilter;

/**
 * Maps a model-resolution alpha back to the source pixel grid: drops the padding, resamples the scaled region to the
 * source size and quantises {@code [0, 1]} to 0..255. With the SDK's own filter the float alpha is resized and
 * rounded once; with an 8-bit filter (Pillow's, OpenCV's area) it is quantised at model resolution first and resized
 * as an 8-bit image, exactly as rembg's {@code Image.fromarray((pred * 255).astype(uint8)).resize(size, LANCZOS)}.
 */
public final class AlphaRestorer {
    private AlphaRestorer() {
    }

    /** Rounded, and resized by the SDK's own resampling: what descriptors without output filters get. */
    public static byte[] restore(float[] alpha, InputGeometry geometry) {
        return restore(alpha, geometry, OutputAdapter.Quantize.ROUND, ResizeFilter.SDK_AREA);
    }

    /**
     * @param alpha paddedHeight x paddedWidth values in [0, 1], row-major; values outside are clamped, NaN reads as 0
     * @return sourceWidth x sourceHeight 8-bit alpha, row-major
     * @throws IllegalArgumentException when {@code alpha} does not hold the padded size
     */
    public static byte[] restore(float[] alpha, InputGeometry geometry, OutputAdapter.Quantize quantize,
            ResizeFilter filter) {
        int pw = geometry.paddedWidth();
        int ph = geometry.paddedHeight();
        if (alpha.length != pw * ph) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values, expected " + pw + "x" + ph);
        }
        int sw = geometry.scaledWidth();
        int sh = geometry.scaledHeight();
        int w = geometry.sourceWidth();
        int h = geometry.sourceHeight();
        if (filter == ResizeFilter.SDK_AREA) {
            return Resampler.planeToBytes(alpha, pw, sw, sh, w, h, quantize);
        }
        byte[] q = new byte[sw * sh];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                q[y * sw + x] = (byte) quantize.apply(alpha[y * pw + x]);
            }
        }
        return filter == ResizeFilter.AREA ? OpenCvArea.resize8(q, sw, sh, w, h)
                : PillowResampler.grey(q, sw, sh, filter, w, h);
    }
}
