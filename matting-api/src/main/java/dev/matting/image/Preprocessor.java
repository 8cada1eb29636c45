package dev.matting.image;

import dev.matting.common.RgbImage;
import dev.matting.model.InputType;
import dev.matting.model.ModelSpec;
import dev.matting.model.Normalization;
import dev.matting.spi.ModelInput;

/**
 * Resizes, pads and lays out an image as the model's input tensor: area-averaged when shrinking, bilinear when
 * enlarging, padded by repeating the edge, then CHW raw pixels (uint8 models) or normalised floats (float32 models).
 */
public final class Preprocessor {
    private Preprocessor() {
    }

    /**
     * The model input for one image. Float inputs are normalised from the same rounded 8-bit pixels a uint8 model
     * would get, so both kinds of export see identical data and agree with the PyTorch parity pairs.
     *
     * @throws IllegalArgumentException when the geometry was planned for another image size
     */
    public static ModelInput prepare(RgbImage image, InputGeometry geometry, ModelSpec spec) {
        if (image.width() != geometry.sourceWidth() || image.height() != geometry.sourceHeight()) {
            throw new IllegalArgumentException("geometry " + geometry + " was planned for another image than "
                    + image.width() + "x" + image.height());
        }
        int pw = geometry.paddedWidth();
        int ph = geometry.paddedHeight();
        byte[] chw = new byte[3 * pw * ph];
        Resampler.rgbToPlanes(image.rgb(), image.width(), image.height(), geometry.scaledWidth(),
                geometry.scaledHeight(), chw, pw, ph);
        if (spec.inputType() == InputType.UINT8) {
            return ModelInput.ofPixels(ph, pw, chw);
        }
        return ModelInput.ofValues(ph, pw, normalise(chw, pw * ph, spec.normalization()));
    }

    /** {@code (p * scale - mean[c]) / std[c]} through a 256-entry table per channel. */
    static float[] normalise(byte[] chw, int plane, Normalization n) {
        float[] mean = n.mean();
        float[] std = n.std();
        float[] out = new float[chw.length];
        float[] lut = new float[256];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 256; p++) {
                lut[p] = (float) ((p * n.scale() - mean[c]) / std[c]);
            }
            int end = (c + 1) * plane;
            for (int i = c * plane; i < end; i++) {
                out[i] = lut[chw[i] & 0xff];
            }
        }
        return out;
    }
}
