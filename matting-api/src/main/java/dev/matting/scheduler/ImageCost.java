package dev.matting.scheduler;

import dev.matting.common.Precision;
import dev.matting.spi.ModelInput;

/**
 * The model's own estimate of the device bytes one more image adds to a forward pass. Used only where memory cannot
 * be measured (a CPU lane, or a calibration that saw no change in free memory); measured numbers always win.
 */
@FunctionalInterface
public interface ImageCost {

    /** Estimated bytes per image of {@code shape} at {@code precision}, or a value {@code <= 0} for "no idea". */
    long bytesPerImage(ModelInput.Shape shape, Precision precision);

    /** A cost proportional to pixels: {@code fp32BytesPerPixel} at FP32, half that at FP16. */
    static ImageCost perPixel(double fp32BytesPerPixel) {
        if (!(fp32BytesPerPixel > 0) || Double.isInfinite(fp32BytesPerPixel)) {
            throw new IllegalArgumentException("bytes per pixel must be a positive number, got " + fp32BytesPerPixel);
        }
        return (shape, precision) -> {
            double perPixel = precision == Precision.FP16 ? fp32BytesPerPixel / 2 : fp32BytesPerPixel;
            return (long) Math.ceil(perPixel * shape.height() * (double) shape.width());
        };
    }

    /** No estimate: without a measurement, batches are bounded only by the maximum batch size and OOM recovery. */
    static ImageCost unknown() {
        return (shape, precision) -> 0;
    }
}
