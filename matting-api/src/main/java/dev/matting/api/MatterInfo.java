package dev.matting.api;

/** What a {@link Matter} runs: backend, device, precision and model. */
public record MatterInfo(String backend, Device device, Precision precision, String model, String engineVersion) {
    @Override
    public String toString() {
        return backend + " " + engineVersion + " on " + device + " " + precision + ", model " + model;
    }
}
