package dev.matting.bench;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import java.util.Locale;

/** One backend / device / precision the benchmarks run, named the way JMH parameters spell it. */
public record Combo(String backend, Device device, Precision precision) {
    public Combo {
        if (precision == Precision.AUTO) {
            throw new IllegalArgumentException("a benchmark combination needs a concrete precision");
        }
    }

    /** From JMH parameter strings: {@code pytorch}, {@code cpu|gpu|gpu1}, {@code fp32|fp16}. */
    public static Combo of(String backend, String device, String precision) {
        return new Combo(backend.trim().toLowerCase(Locale.ROOT), Device.parse(device),
                Precision.valueOf(precision.trim().toUpperCase(Locale.ROOT)));
    }

    /** The device as a JMH parameter ({@code cpu}, {@code gpu}, {@code gpu1}). */
    public String deviceParam() {
        return device.isGpu() ? (device.index() == 0 ? "gpu" : "gpu" + device.index()) : "cpu";
    }

    public String precisionParam() {
        return precision.key();
    }

    @Override
    public String toString() {
        return backend + "/" + deviceParam() + "/" + precisionParam();
    }
}
