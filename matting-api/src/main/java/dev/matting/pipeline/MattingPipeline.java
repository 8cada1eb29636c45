package dev.matting.pipeline;

import dev.matting.common.ImageSource;
import dev.matting.common.InferenceException;
import dev.matting.common.RgbImage;
import dev.matting.image.AlphaRestorer;
import dev.matting.image.DecodeLimits;
import dev.matting.image.ImageDecoder;
import dev.matting.image.InputGeometry;
import dev.matting.image.Preprocessor;
import dev.matting.model.ModelSpec;
import dev.matting.model.OutputAdapter;
import dev.matting.postprocess.PostProcess;
import dev.matting.spi.DevicePlan;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;

/**
 * The CPU stages around the forward pass, top to bottom: decode and preprocess ({@link #prepare}), then, with the
 * model's raw alpha, activation, un-pad and up-scale, and post-processing ({@link #finish}). Stateless and
 * thread-safe.
 */
public final class MattingPipeline {
    private final ModelSpec spec;
    private final PostProcess postProcess;
    private final DecodeLimits decodeLimits;

    /** The stages for one model and post-processing; inputs above {@code decodeLimits} are refused from their header. */
    public MattingPipeline(ModelSpec spec, PostProcess postProcess, DecodeLimits decodeLimits) {
        this.spec = spec;
        this.postProcess = postProcess;
        this.decodeLimits = java.util.Objects.requireNonNull(decodeLimits, "decodeLimits");
    }

    /** Decodes and prepares one input on the CPU. */
    public Prepared prepare(ImageSource source) {
        return prepare(source, false);
    }

    /**
     * Decodes one input and prepares it for the model: on the CPU, or, with {@code onDevice}, as a {@link DevicePlan}
     * for a backend that runs the image stages on its device (which the CPU form stays available for, should the
     * input end up on a CPU lane).
     */
    public Prepared prepare(ImageSource source, boolean onDevice) {
        RgbImage image = ImageDecoder.decode(source, decodeLimits);
        InputGeometry geometry = InputGeometry.plan(image.width(), image.height(), spec.policy());
        ModelInput input;
        if (onDevice) {
            DevicePlan plan = DevicePlan.of(image, geometry.scaledWidth(), geometry.scaledHeight(),
                    geometry.paddedWidth(), geometry.paddedHeight(), spec);
            input = ModelInput.toPrepare(plan, () -> Preprocessor.prepare(image, geometry, spec));
        } else {
            input = Preprocessor.prepare(image, geometry, spec);
        }
        return new Prepared(source, image, geometry, input);
    }

    /**
     * The alpha of one input at its source size, one byte per pixel, from its model output, with {@code postProcess}
     * (a per-call option, or this pipeline's): a raw plane is activated, un-padded, resized back and quantised here; a
     * finished alpha (prepared on the device) only post-processed. The caller makes the {@code Matte} of it (with
     * {@link Prepared#image()} and the post-processing's background): the pipeline sits below the API and does not
     * know its types.
     */
    public byte[] finish(Prepared prepared, ModelOutput output, PostProcess postProcess) {
        RgbImage image = prepared.image();
        byte[] alpha;
        if (output.isPlane()) {
            float[] rawAlpha = output.plane();
            ModelInput in = prepared.input();
            if (rawAlpha.length != in.height() * in.width()) {
                throw new InferenceException("model returned " + rawAlpha.length + " alpha values for '"
                        + prepared.source().name() + "', expected " + in.width() + "x" + in.height());
            }
            OutputAdapter out = spec.output();
            out.apply(rawAlpha);
            alpha = AlphaRestorer.restore(rawAlpha, prepared.geometry(), out.quantize(), out.resize());
        } else {
            alpha = output.alpha();
            if (alpha.length != image.width() * image.height()) {
                throw new InferenceException("the device returned " + alpha.length + " alpha values for '"
                        + prepared.source().name() + "', expected " + image.width() + "x" + image.height());
            }
        }
        return postProcess.isIdentity() ? alpha : postProcess.apply(alpha, image.width(), image.height());
    }

    /** The model these stages prepare inputs for. */
    public ModelSpec spec() {
        return spec;
    }

    /** This pipeline's own post-processing, for callers with no per-call option. */
    public PostProcess postProcess() {
        return postProcess;
    }
}
