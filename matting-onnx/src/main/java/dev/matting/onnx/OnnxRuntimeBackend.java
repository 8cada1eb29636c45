package dev.matting.onnx;

import ai.djl.engine.Engine;
import dev.matting.common.Device;
import dev.matting.common.ModelException;
import dev.matting.djl.core.DjlMattingBackend;
import dev.matting.model.InputPolicy;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * ONNX models on DJL's ONNX Runtime engine: the CPU execution provider, or the CUDA execution provider for a GPU
 * device (DJL adds it for a GPU {@link ai.djl.Device}; it needs the {@code onnxruntime_gpu} jar instead of
 * {@code onnxruntime}). One inter-op thread and sequential execution, because a U-Net is one chain of convolutions
 * that only parallelises inside each operator; all graph optimisations on.
 *
 * <p>DJL's ONNX Runtime engine takes PyTorch, when its jar is on the class path, as a "hybrid" alternative engine for
 * operations ONNX Runtime lacks, and loads it with the first {@code OrtNDManager}: even an explicit
 * {@code backend("onnxruntime")} then initialised libtorch, and with PyTorch's natives absent and no network it died
 * trying to download them (issue 9). This backend needs no operation outside ONNX Runtime, so it sets
 * {@value #DISABLE_ALTERNATIVE}{@code =true} before the engine loads, unless the application has set the property
 * itself.
 */
public final class OnnxRuntimeBackend extends DjlMattingBackend {
    /** The DJL engine name. */
    public static final String ENGINE = "OnnxRuntime";

    /** DJL's switch for the hybrid engine (read with {@code Boolean.getBoolean} whenever an NDManager is made). */
    static final String DISABLE_ALTERNATIVE = "ai.djl.onnx.disable_alternative";

    /**
     * The {@code onnxruntime} backend, for ONNX files, as {@link java.util.ServiceLoader} creates it; the engine loads
     * only with {@link #devices()} or {@link #open}.
     */
    public OnnxRuntimeBackend() {
        super("onnxruntime", ModelFormat.ONNX, ENGINE);
    }

    @Override
    protected void beforeEngineLoads() {
        if (System.getProperty(DISABLE_ALTERNATIVE) == null) {
            System.setProperty(DISABLE_ALTERNATIVE, "true");
        }
    }

    @Override
    protected boolean checksInputNames() {
        return true;
    }

    @Override
    public int priority(Device device) {
        // CPU: faster than TorchScript on the tiny model (measured, see the module README); GPU: PyTorch FP16 wins.
        return device.isGpu() ? 50 : 20;
    }

    @Override
    protected Map<String, String> engineOptions(BackendOptions options) {
        int threads = options.intraOpThreads() > 0 ? options.intraOpThreads() : Runtime.getRuntime().availableProcessors();
        // DJL only reads intraOpNumThreads when interOpNumThreads is also given, so both are always set.
        return Map.of(
                "interOpNumThreads", "1",
                "intraOpNumThreads", Integer.toString(threads),
                "executionMode", "SEQUENTIAL",
                "optLevel", "ALL_OPT",
                "memoryPatternOptimization", "true");
    }

    /**
     * Reads the input's declared shape from the file: a batch fixed to 1 limits each pass to one image, and a fixed
     * height and width must be what the descriptor's policy always produces (a stretch to exactly that size), else
     * the model could never run and loading it fails now, naming both.
     */
    @Override
    protected int batchLimit(ModelSpec spec, Path file) {
        Optional<OnnxInputShape> shape = OnnxInputShape.read(file, spec.inputName());
        if (shape.isEmpty()) {
            return 0;
        }
        OnnxInputShape s = shape.get();
        Optional<long[]> hw = s.fixedHeightWidth();
        if (hw.isPresent()) {
            long h = hw.get()[0];
            long w = hw.get()[1];
            boolean always = spec.policy() instanceof InputPolicy.Stretch st && st.width() == w && st.height() == h
                    || spec.policy() instanceof InputPolicy.FixedSquare sq && sq.size() == w && w == h;
            if (!always) {
                throw new ModelException("model '" + spec.name() + "': " + file.getFileName() + " takes " + w + "x" + h
                        + " inputs only (input '" + s.name() + "'), but the descriptor's policy " + spec.policy()
                        + " gives other sizes; use {\"kind\": \"stretch\", \"width\": " + w + ", \"height\": " + h + "}");
            }
        }
        return s.fixedBatch() == 1 ? 1 : 0;
    }

    @Override
    protected String engineLabel(Engine engine) {
        // DJL's OrtEngine reports a fixed version string; the runtime knows its own
        try {
            return "OnnxRuntime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return super.engineLabel(engine);
        }
    }
}
