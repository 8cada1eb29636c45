package dev.matting.pipeline;

import dev.matting.api.Matte;
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
import dev.matting.spi.ModelInput;

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

    public Prepared prepare(ImageSource source) {
        RgbImage image = ImageDecoder.decode(source, decodeLimits);
        InputGeometry geometry = InputGeometry.plan(image.width(), image.height(), spec.policy());
        ModelInput input = Preprocessor.prepare(image, geometry, spec);
        return new Prepared(source, image, geometry, input);
    }

    public Matte finish(Prepared prepared, float[] rawAlpha) {
        return finish(prepared, rawAlpha, postProcess);
    }

    /** As {@link #finish(Prepared, float[])} with another post-processing than this pipeline's (a per-call option). */
    public Matte finish(Prepared prepared, float[] rawAlpha, PostProcess postProcess) {
        ModelInput in = prepared.input();
        if (rawAlpha.length != in.height() * in.width()) {
            throw new InferenceException("model returned " + rawAlpha.length + " alpha values for '"
                    + prepared.source().name() + "', expected " + in.width() + "x" + in.height());
        }
        OutputAdapter out = spec.output();
        out.apply(rawAlpha);
        byte[] alpha = AlphaRestorer.restore(rawAlpha, prepared.geometry(), out.quantize(), out.resize());
        RgbImage image = prepared.image();
        byte[] cleaned = postProcess.isIdentity() ? alpha : postProcess.apply(alpha, image.width(), image.height());
        return new Matte(image, cleaned, postProcess.background());
    }

    public ModelSpec spec() {
        return spec;
    }

    public PostProcess postProcess() {
        return postProcess;
    }
}
