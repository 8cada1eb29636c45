package dev.matting.api;

import dev.matting.common.Device;
import dev.matting.common.Precision;

/** What a {@link Matter} runs: backend, device, precision and model. */
public record MatterInfo(String backend, Device device, Precision precision, String model, String engineVersion) {
    @Override
    public String toString() {
        return backend + " " + engineVersion + " on " + device + " " + precision + ", model " + model;
    }
}
