package dev.matting.bench;

import dev.matting.bench.samples.SampleGenerator;
import dev.matting.model.InputType;
import dev.matting.model.ModelSpec;
import dev.matting.model.Normalization;
import dev.matting.spi.DevicePlan;
import dev.matting.spi.ModelInput;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds model inputs for backend-level benchmarks straight from a synthetic scene, already at the padded model
 * size, so {@code BatchBackend.run} is measured alone (decode and resize belong to the end-to-end benchmark). For a
 * backend that prepares on its device (PyTorch on a GPU), the inputs are what a {@code Matter} hands it there: 8-bit
 * source pixels with a {@link DevicePlan}, normalised on the device, the alpha quantised there and brought back as bytes.
 */
public final class InputFactory {
    private InputFactory() {
    }

    /** {@code count} distinct inputs (different scenes, one shape) for the given model and resolution. */
    public static List<ModelInput> inputs(ModelSpec spec, Resolution resolution, int count) {
        List<ModelInput> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(input(spec, resolution, i));
        }
        return List.copyOf(out);
    }

    /**
     * {@code count} distinct inputs as the SDK hands them to a backend: with {@code onDevice}, source pixels at the
     * model's size with a {@link DevicePlan} (and the CPU form for a CPU lane), else the CPU-prepared tensor.
     */
    public static List<ModelInput> inputs(ModelSpec spec, Resolution resolution, int count, boolean onDevice) {
        if (!onDevice) {
            return inputs(spec, resolution, count);
        }
        List<ModelInput> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int seed = i;
            DevicePlan plan = DevicePlan.of(SampleGenerator.scene(resolution.width(), resolution.height(), 1000 + i)
                    .image(), resolution.width(), resolution.height(), resolution.paddedWidth(),
                    resolution.paddedHeight(), spec);
            out.add(ModelInput.toPrepare(plan, () -> input(spec, resolution, seed)));
        }
        return List.copyOf(out);
    }

    public static ModelInput input(ModelSpec spec, Resolution resolution, int seed) {
        int w = resolution.width();
        int h = resolution.height();
        int pw = resolution.paddedWidth();
        int ph = resolution.paddedHeight();
        byte[] rgb = SampleGenerator.scene(w, h, 1000 + seed).rgb();
        int plane = pw * ph;
        if (spec.inputType() == InputType.UINT8) {
            byte[] chw = new byte[3 * plane];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int s = 3 * (y * w + x);
                    int d = y * pw + x;
                    chw[d] = rgb[s];
                    chw[plane + d] = rgb[s + 1];
                    chw[2 * plane + d] = rgb[s + 2];
                }
            }
            return ModelInput.ofPixels(ph, pw, chw);
        }
        Normalization n = spec.normalization();
        int max = 0;
        for (byte b : rgb) {
            max = Math.max(max, b & 0xff);
        }
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            float[] lut = n.table(c, max);
            // the padding is a normalised black pixel
            java.util.Arrays.fill(chw, c * plane, (c + 1) * plane, lut[0]);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    chw[c * plane + y * pw + x] = lut[rgb[3 * (y * w + x) + c] & 0xff];
                }
            }
        }
        return ModelInput.ofValues(ph, pw, chw);
    }
}
