package dev.matting.common;


/** Numeric precision of the forward pass. {@link #AUTO} means FP16 on a GPU and FP32 on the CPU. */
public enum Precision {
    /** 32-bit floats; the default on the CPU. */
    FP32,
    /** 16-bit floats: less memory and faster passes on a GPU; the default there. */
    FP16,
    /** FP16 on a GPU and FP32 on the CPU; {@link #resolve(Device)} gives the concrete one. */
    AUTO;

    /** The concrete precision for a device. */
    public Precision resolve(Device device) {
        if (this != AUTO) {
            return this;
        }
        return device.isGpu() ? FP16 : FP32;
    }

    /** The key used for this precision in {@code model.json} ({@code fp32}, {@code fp16}). */
    public String key() {
        if (this == AUTO) {
            throw new IllegalStateException("AUTO has no file; resolve it against a device first");
        }
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
