package dev.matting.spi;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import java.util.List;

/**
 * A loaded model on one device and precision that runs one forward pass per call. Not thread-safe: one caller
 * (one scheduler lane) at a time.
 */
public interface BatchBackend extends AutoCloseable {

    /**
     * Runs one forward pass over inputs that all share one shape and returns, in the same order, each image's raw
     * alpha plane (height x width floats, output index and channel already selected, activation not yet applied).
     *
     * @throws dev.matting.common.DeviceOutOfMemoryException when the device cannot hold the batch (the caller may split it)
     * @throws dev.matting.common.InferenceException for any other engine failure
     */
    List<float[]> run(List<ModelInput> batch);

    Device device();

    Precision precision();

    /** Engine name and version, e.g. {@code PyTorch 2.7.1}. */
    String engine();

    /** Gives cached device memory back to the driver (after an out-of-memory); a no-op where there is no cache. */
    default void releaseCachedMemory() {
    }

    @Override
    void close();
}
