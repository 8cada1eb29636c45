package dev.matting.spi;

import dev.matting.model.InputPolicy;
import dev.matting.model.InputType;
import dev.matting.model.ModelSpec;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One image for the model, of one input shape ({@code height x width}: what micro-batches are grouped by), in one of
 * two forms. Prepared on the CPU: planar CHW data (3 x height x width), raw RGB pixels for a uint8 model or
 * normalised floats for a float32 one. Or still to be prepared: a {@link DevicePlan} (the decoded source and how it
 * maps onto the model) that a backend which {@linkplain BatchBackend#preparesOnDevice() prepares on its device}
 * uploads as it is, plus the means to prepare it on the CPU, which any other backend (a CPU fallback lane) gets
 * through {@link #pixels()} / {@link #values()} on first use. Arrays are handed over, not copied: nobody changes them
 * after construction. Thread-safe.
 */
public final class ModelInput {
    private final int height;
    private final int width;
    private final DevicePlan plan;
    private final Supplier<ModelInput> cpuForm;
    private final boolean pixelsForm;
    private volatile byte[] pixels;
    private volatile float[] values;

    private ModelInput(int height, int width, byte[] pixels, float[] values, DevicePlan plan,
            Supplier<ModelInput> cpuForm, boolean pixelsForm) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("model input must be at least 1x1, got " + width + "x" + height);
        }
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.values = values;
        this.plan = plan;
        this.cpuForm = cpuForm;
        this.pixelsForm = pixelsForm;
    }

    private static ModelInput prepared(int height, int width, byte[] pixels, float[] values) {
        if ((pixels == null) == (values == null)) {
            throw new IllegalArgumentException("exactly one of pixels and values must be set");
        }
        long n = 3L * height * width;
        long got = pixels != null ? pixels.length : values.length;
        if (got != n) {
            throw new IllegalArgumentException("model input " + width + "x" + height + " needs " + n + " elements, got "
                    + got);
        }
        return new ModelInput(height, width, pixels, values, null, null, pixels != null);
    }

    /**
     * A blank input of the shape warm-up and memory calibration run: what most traffic has, or the largest it can
     * have. Fixed-square and longest-side: a square source (the largest shape they give); stretch: its
     * {@code width x height}; short-side: what a 4:3 landscape photo 1024 pixels wide becomes (672 x 512 for MODNet's
     * 512 / 32), since its shapes follow the photo and a typical camera photo is the common case.
     */
    public static ModelInput blank(ModelSpec spec) {
        InputPolicy policy = spec.policy();
        InputPolicy.Size size = policy instanceof InputPolicy.ShortSide s ? s.scale(1024, 768)
                : policy.pad(policy.scale(4096, 4096));
        int n = 3 * size.width() * size.height();
        return spec.inputType() == InputType.UINT8 ? ModelInput.ofPixels(size.height(), size.width(), new byte[n])
                : ModelInput.ofValues(size.height(), size.width(), new float[n]);
    }

    /** An input of raw 8-bit pixels, CHW. */
    public static ModelInput ofPixels(int height, int width, byte[] chw) {
        return prepared(height, width, Objects.requireNonNull(chw, "chw"), null);
    }

    /** An input of normalised float values, CHW. */
    public static ModelInput ofValues(int height, int width, float[] chw) {
        return prepared(height, width, null, Objects.requireNonNull(chw, "chw"));
    }

    /**
     * An input still to be prepared: {@code plan} for a backend that prepares on its device, {@code onCpu} (called
     * at most once, on first use of {@link #pixels()} or {@link #values()}) for any other.
     */
    public static ModelInput toPrepare(DevicePlan plan, Supplier<ModelInput> onCpu) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(onCpu, "onCpu");
        return new ModelInput(plan.paddedHeight(), plan.paddedWidth(), null, null, plan, onCpu,
                plan.spec().inputType() == InputType.UINT8);
    }

    /** Height of the model input. */
    public int height() {
        return height;
    }

    /** Width of the model input. */
    public int width() {
        return width;
    }

    /** The device plan, for an input still to be prepared; empty for one prepared on the CPU. */
    public Optional<DevicePlan> devicePlan() {
        return Optional.ofNullable(plan);
    }

    /** True when the model takes raw 8-bit pixels ({@link #pixels()}), false for normalised floats ({@link #values()}). */
    public boolean isPixels() {
        return pixelsForm;
    }

    /** The CHW pixels of a uint8 model's input (prepared on the CPU now if it was not); null for a float32 model. */
    public byte[] pixels() {
        if (plan != null && pixels == null && values == null) {
            materialise();
        }
        return pixels;
    }

    /** The CHW values of a float32 model's input (prepared on the CPU now if it was not); null for a uint8 model. */
    public float[] values() {
        if (plan != null && pixels == null && values == null) {
            materialise();
        }
        return values;
    }

    private synchronized void materialise() {
        if (pixels != null || values != null) {
            return;
        }
        ModelInput cpu = cpuForm.get();
        if (cpu.height != height || cpu.width != width || cpu.isPixels() != pixelsForm) {
            throw new IllegalStateException("the CPU form of " + this + " is " + cpu);
        }
        // values first: a reader that sees pixels == null && values == null would prepare again
        float[] v = cpu.values;
        byte[] p = cpu.pixels;
        values = v;
        pixels = p;
    }

    /** Inputs with equal shape keys can share one forward pass. */
    public Shape shape() {
        return new Shape(height, width);
    }

    @Override
    public String toString() {
        return "ModelInput[" + width + "x" + height + (plan != null ? ", to prepare from " + plan.image().width() + "x"
                + plan.image().height() : isPixels() ? ", pixels" : ", values") + "]";
    }

    /**
     * Height and width of a model input: the unit micro-batches are grouped by.
     *
     * @param height in pixels
     * @param width  in pixels
     */
    public record Shape(int height, int width) {
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }
}
