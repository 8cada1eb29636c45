package dev.matting.api;

import dev.matting.common.Device;
import dev.matting.common.Precision;

/**
 * What a {@link Matter} runs: backend, engine version, device, precision and model, and whether the image stages
 * (resize, normalise, resize back) run on the device ({@code BatchBackend.preparesOnDevice}) or on the CPU.
 */
public record MatterInfo(String backend, Device device, Precision precision, String model, String engineVersion,
        boolean imageStagesOnDevice) {
    @Override
    public String toString() {
        return backend + " " + engineVersion + " on " + device + " " + precision + ", model " + model
                + (imageStagesOnDevice ? ", image stages on the device" : "");
    }
}
