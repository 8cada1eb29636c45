package dev.matting.image;

import dev.matting.common.RgbImage;
import dev.matting.model.InputType;
import dev.matting.model.ModelSpec;
import dev.matting.model.Normalization;
import dev.matting.model.ResizeFilter;
import dev.matting.spi.ModelInput;

/**
 * Resizes, pads and lays out an image as the model's input tensor, with the descriptor's {@code input.resize} filter
 * (the SDK's area/bilinear resampling by default, Pillow's filters bit for bit, or OpenCV's area), padded by
 * repeating the edge where the policy pads, then CHW raw pixels (uint8 models) or normalised floats (float32 models).
 */
public final class Preprocessor {
    private Preprocessor() {
    }

    /**
     * The model input for one image. Float inputs are normalised from the same 8-bit pixels a uint8 model would get
     * (the resized image, as Pillow-based pipelines such as rembg normalise it), so both kinds of export see identical
     * data; the exception is {@link ResizeFilter#AREA} on a float32 model, which normalises first and resizes in
     * double, as MODNet's script does.
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
        int dw = geometry.scaledWidth();
        int dh = geometry.scaledHeight();
        ResizeFilter filter = spec.inputResize();
        if (filter == ResizeFilter.AREA && spec.inputType() == InputType.FLOAT32) {
            return ModelInput.ofValues(ph, pw, normalisedArea(image, dw, dh, pw, ph, spec.normalization()));
        }
        byte[] chw = new byte[3 * pw * ph];
        switch (filter) {
            case SDK_AREA -> Resampler.rgbToPlanes(image.rgb(), image.width(), image.height(), dw, dh, chw, pw, ph);
            case AREA -> {
                byte[][] planes = deinterleave(image);
                for (int c = 0; c < 3; c++) {
                    byte[] p = OpenCvArea.resize8(planes[c], image.width(), image.height(), dw, dh);
                    for (int y = 0; y < dh; y++) {
                        System.arraycopy(p, y * dw, chw, c * pw * ph + y * pw, dw);
                    }
                }
                Resampler.padPlanes(chw, dw, dh, pw, ph);
            }
            default -> {
                PillowResampler.rgbToPlanes(image.rgb(), image.width(), image.height(), filter, dw, dh, chw, pw, ph);
                Resampler.padPlanes(chw, dw, dh, pw, ph);
            }
        }
        if (spec.inputType() == InputType.UINT8) {
            return ModelInput.ofPixels(ph, pw, chw);
        }
        Normalization n = spec.normalization();
        return ModelInput.ofValues(ph, pw, normalise(chw, pw * ph, n, n.imageMax() ? maximum(chw, dw, dh, pw, ph) : 255));
    }

    /**
     * {@code (p * scale - mean[c]) / std[c]} (or the image-maximum variant) through a 256-entry table per channel.
     *
     * @param imageMaximum the largest value over the resized image, read only for {@link Normalization#imageMax()}
     */
    static float[] normalise(byte[] chw, int plane, Normalization n, int imageMaximum) {
        float[] out = new float[chw.length];
        for (int c = 0; c < 3; c++) {
            float[] lut = n.table(c, imageMaximum);
            int end = (c + 1) * plane;
            for (int i = c * plane; i < end; i++) {
                out[i] = lut[chw[i] & 0xff];
            }
        }
        return out;
    }

    /** The largest value of any channel in the image part (not the padding) of the planes: numpy's {@code np.max}. */
    private static int maximum(byte[] chw, int dw, int dh, int pw, int ph) {
        int max = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < dh; y++) {
                int r = c * pw * ph + y * pw;
                for (int x = 0; x < dw; x++) {
                    max = Math.max(max, chw[r + x] & 0xff);
                }
            }
        }
        return max;
    }

    private static byte[][] deinterleave(RgbImage image) {
        int n = image.width() * image.height();
        byte[] rgb = image.rgb();
        byte[][] planes = {new byte[n], new byte[n], new byte[n]};
        for (int i = 0, s = 0; i < n; i++, s += 3) {
            planes[0][i] = rgb[s];
            planes[1][i] = rgb[s + 1];
            planes[2][i] = rgb[s + 2];
        }
        return planes;
    }

    /**
     * MODNet's order: normalise the source in double ({@code (p * scale - mean) / std}), resize each channel with
     * OpenCV's area in double, cast to float; padding repeats the edge.
     */
    private static float[] normalisedArea(RgbImage image, int dw, int dh, int pw, int ph, Normalization n) {
        int sw = image.width();
        int sh = image.height();
        byte[] rgb = image.rgb();
        double[] mean = n.mean();
        double[] std = n.std();
        float[] out = new float[3 * pw * ph];
        double[] plane = new double[sw * sh];
        for (int c = 0; c < 3; c++) {
            double[] lut = new double[256];
            for (int p = 0; p < 256; p++) {
                lut[p] = (p * n.scale() - mean[c]) / std[c];
            }
            for (int i = 0, s = c; i < plane.length; i++, s += 3) {
                plane[i] = lut[rgb[s] & 0xff];
            }
            double[] resized = OpenCvArea.resizeDouble(plane, sw, sh, dw, dh);
            int base = c * pw * ph;
            for (int y = 0; y < ph; y++) {
                int sy = Math.min(y, dh - 1);
                for (int x = 0; x < pw; x++) {
                    out[base + y * pw + x] = (float) resized[sy * dw + Math.min(x, dw - 1)];
                }
            }
        }
        return out;
    }
}
