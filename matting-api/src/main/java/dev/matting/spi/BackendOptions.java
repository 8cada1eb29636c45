package dev.matting.spi;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import java.util.Objects;

/**
 * What a backend needs to open a model: device, concrete precision, CPU threads, cuDNN autotuning, warm-up shapes.
 *
 * @param device         the device to open the model on
 * @param precision      the concrete precision to run at, never {@link Precision#AUTO}
 * @param intraOpThreads engine threads inside one forward pass on the CPU; 0 for the engine's default
 * @param cudnnBenchmark whether cuDNN autotunes its convolution algorithms per input shape (GPU only)
 * @param warmUp         whether to run one forward pass on a blank input of the model's typical shape before the
 *                       opened backend is returned
 */
public record BackendOptions(Device device, Precision precision, int intraOpThreads, boolean cudnnBenchmark,
        boolean warmUp) {
    /**
     * Checks the options.
     *
     * @throws NullPointerException     when {@code device} or {@code precision} is {@code null}
     * @throws IllegalArgumentException when {@code precision} is {@link Precision#AUTO} or {@code intraOpThreads} is
     *                                  negative
     */
    public BackendOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(precision, "precision");
        if (precision == Precision.AUTO) {
            throw new IllegalArgumentException("resolve AUTO against the device before opening a backend");
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = engine default), got " + intraOpThreads);
        }
    }
}
