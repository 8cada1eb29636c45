package dev.matting.api;

import dev.matting.common.Device;
import dev.matting.common.Precision;

/**
 * What a {@link Matter} runs: backend, engine version, device, precision and model, and whether the image stages
 * (resize, normalise, resize back) run on the device ({@code BatchBackend.preparesOnDevice}) or on the CPU.
 *
 * @param backend             the backend's name, {@code pytorch} or {@code onnxruntime}
 * @param device              the device of the first scheduler lane
 * @param precision           the concrete precision the model runs at
 * @param model               the model's name, as its {@code model.json} gives it
 * @param engineVersion       the engine's name and version, e.g. {@code PyTorch 2.7.1}
 * @param imageStagesOnDevice whether resize, normalise and resize back run on the device rather than the CPU
 */
public record MatterInfo(String backend, Device device, Precision precision, String model, String engineVersion,
        boolean imageStagesOnDevice) {
    @Override
    public String toString() {
        return backend + " " + engineVersion + " on " + device + " " + precision + ", model " + model
                + (imageStagesOnDevice ? ", image stages on the device" : "");
    }
}
