package dev.matting.spi;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import java.util.Objects;

/** What a backend needs to open a model: device, concrete precision, CPU threads, cuDNN autotuning, warm-up shapes. */
public record BackendOptions(Device device, Precision precision, int intraOpThreads, boolean cudnnBenchmark,
        boolean warmUp) {
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
