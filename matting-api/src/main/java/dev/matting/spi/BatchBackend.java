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
     * Runs one forward pass over inputs that all share one shape and returns, in the same order, each image's output:
     * its raw alpha plane ({@link ModelOutput#ofPlane}: height x width floats, output index and channel selected,
     * activation not applied) for an input prepared on the CPU, and, for an input that carries a
     * {@link ModelInput#devicePlan() device plan}, either that (after preparing the input on the CPU through
     * {@link ModelInput#pixels()} / {@link ModelInput#values()}) or, when this backend
     * {@link #preparesOnDevice() prepares on its device}, the finished alpha at the source size
     * ({@link ModelOutput#ofAlpha}).
     *
     * @throws dev.matting.common.DeviceOutOfMemoryException when the device cannot hold the batch (the caller may split it)
     * @throws dev.matting.common.InferenceException for any other engine failure
     */
    List<ModelOutput> run(List<ModelInput> batch);

    /**
     * Whether this backend runs the image stages around the forward pass on its device (resize, normalise, pad on the
     * way in; activate, quantise, resize back on the way out) for inputs that carry a device plan, returning finished
     * alphas: then the CPU only decodes and encodes. False by default: inputs are prepared on the CPU.
     */
    default boolean preparesOnDevice() {
        return false;
    }

    /** The device this backend runs on. */
    Device device();

    /** The concrete precision its model runs at. */
    Precision precision();

    /** Engine name and version, e.g. {@code PyTorch 2.7.1}. */
    String engine();

    /** Gives cached device memory back to the driver (after an out-of-memory); a no-op where there is no cache. */
    default void releaseCachedMemory() {
    }

    @Override
    void close();
}
