package dev.matting.bench.table;

import dev.matting.common.Device;
import dev.matting.bench.table.DeviceBallast;

/**
 * Takes device memory and holds it until the handle is closed, so a large GPU behaves like a smaller card for every
 * engine in the process. {@link #pytorch()} is the real one; tests pass fakes.
 */
@FunctionalInterface
public interface Ballast {

    /** Occupies {@code bytes} on {@code gpu}; fails with a {@link dev.matting.common.MattingException} when it cannot. */
    AutoCloseable occupy(Device gpu, long bytes);

    /**
     * Called just before free memory is read to size the ballast: gives back memory an engine keeps cached from
     * models already closed, which the driver would otherwise count as used. Nothing by default.
     */
    default void settle(Device gpu) {
    }

    /** A zero-filled tensor allocated through DJL's PyTorch engine ({@link DeviceBallast}). */
    static Ballast pytorch() {
        return new Ballast() {
            @Override
            public AutoCloseable occupy(Device gpu, long bytes) {
                return DeviceBallast.occupy(gpu, bytes);
            }

            @Override
            public void settle(Device gpu) {
                DeviceBallast.releaseCachedMemory(gpu);
            }
        };
    }
}
