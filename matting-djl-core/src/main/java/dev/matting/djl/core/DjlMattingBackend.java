package dev.matting.djl.core;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.PairList;
import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.MattingException;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import dev.matting.model.ModelFormat;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.MattingBackend;
import dev.matting.spi.ModelInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link MattingBackend} over one DJL engine, named by its DJL engine name. Finds the engine's devices, loads the
 * spec's file for the requested precision through {@link Criteria} (engine, device and engine options, no
 * translator), warms it up and returns a {@link DjlBatchBackend}. Subclasses only say which engine, which options,
 * and what the engine cannot do; nothing native loads before {@link #devices()} or {@link #open}.
 */
public abstract class DjlMattingBackend implements MattingBackend {
    private static final System.Logger LOG = System.getLogger(DjlMattingBackend.class.getName());

    private final String name;
    private final ModelFormat format;
    private final String engineName;
    private volatile List<Device> devices;

    /**
     * A backend named {@code name} (what {@code MatterOptions.backend} selects) that loads {@code format} files on the
     * DJL engine {@code engineName}; nothing native loads here.
     */
    protected DjlMattingBackend(String name, ModelFormat format, String engineName) {
        this.name = Objects.requireNonNull(name, "name");
        this.format = Objects.requireNonNull(format, "format");
        this.engineName = Objects.requireNonNull(engineName, "engineName");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final ModelFormat format() {
        return format;
    }

    /** The DJL engine name, e.g. {@code PyTorch} or {@code OnnxRuntime}. */
    public final String engineName() {
        return engineName;
    }

    /** Engine options handed to {@link Criteria.Builder#optOption} for one load. */
    protected abstract Map<String, String> engineOptions(BackendOptions options);

    /** Process-wide engine settings to apply before a model loads (thread counts, cuDNN autotuning). */
    protected void configureEngine(Engine engine, BackendOptions options) {
    }

    /** Throws {@link BackendUnavailableException} when the engine cannot run {@code precision} on {@code device}. */
    protected void checkSupported(Device device, Precision precision) {
    }

    /**
     * The most images the model file takes in one forward pass, 0 for any number. Some exports fix their batch to 1
     * (rembg's U²-Net family, ISNet); the backend then runs a larger batch as consecutive passes. May also reject, with
     * a {@link ModelException}, a file that cannot run the descriptor (an input size the policy never produces).
     */
    protected int batchLimit(ModelSpec spec, Path file) {
        return 0;
    }

    /**
     * Process-wide settings that must be in place before the engine's natives first load (system properties the
     * engine reads once, environment variables its libraries read once). Runs before every {@link Engine#getEngine}
     * call of this backend, so it must be idempotent and cheap; throws {@link BackendUnavailableException} when a
     * setting is invalid.
     */
    protected void beforeEngineLoads() {
    }

    /**
     * Checks that the loaded engine computes correctly on {@code device} before a model is opened there, throwing
     * {@link BackendUnavailableException} when it does not; nothing by default. Runs after {@link #configureEngine}.
     */
    protected void verifyDevice(Engine engine, Device device) {
    }

    /**
     * Whether the engine reports the model's real input names, so that {@code model.json}'s {@code input.name} can be
     * checked at load (ONNX graphs have named inputs; TorchScript modules do not).
     */
    protected boolean checksInputNames() {
        return false;
    }

    /**
     * Whether backends on {@code device} run the image stages as tensor operations on it
     * ({@link BatchBackend#preparesOnDevice()}); false by default. Only an engine whose arrays support matrix
     * products, slicing and element-wise maths (DJL's PyTorch, not its ONNX Runtime) can, and only a GPU gains.
     */
    protected boolean preparesOnDevice(Device device) {
        return false;
    }

    /** What {@link BatchBackend#releaseCachedMemory()} does on {@code device}; nothing by default. */
    protected Runnable cacheReleaser(Device device) {
        return () -> {
        };
    }

    /** Engine name and version for {@link BatchBackend#engine()}. */
    protected String engineLabel(Engine engine) {
        return engine.getEngineName() + " " + engine.getVersion();
    }

    /** GPUs the engine can use: its CUDA build must be loaded and the driver must report devices. */
    protected int gpuCount(Engine engine) {
        return engine.hasCapability(StandardCapabilities.CUDA) ? engine.getGpuCount() : 0;
    }

    /** The engine, loaded on first use; throws {@link BackendUnavailableException} when it is absent or will not load. */
    protected final Engine engine() {
        if (!Engine.hasEngine(engineName)) {
            throw new BackendUnavailableException("backend '" + name + "': the DJL " + engineName
                    + " engine is not on the class path (installed DJL engines: " + Engine.getAllEngines() + ")");
        }
        beforeEngineLoads();
        try {
            return Engine.getEngine(engineName);
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("backend '" + name + "': the DJL " + engineName
                    + " engine did not load: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Device> devices() {
        List<Device> d = devices;
        if (d == null) {
            d = probeDevices();
            devices = d;
        }
        return d;
    }

    private List<Device> probeDevices() {
        try {
            Engine engine = engine();
            List<Device> found = new ArrayList<>();
            found.add(Device.cpu());
            int gpus = gpuCount(engine);
            for (int i = 0; i < gpus; i++) {
                found.add(Device.gpu(i));
            }
            return List.copyOf(found);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.INFO, "backend '" + name + "' offers no device: " + e.getMessage());
            return List.of();
        }
    }

    @Override
    public BatchBackend open(ModelSpec spec, BackendOptions options) {
        Device device = options.device();
        Precision precision = options.precision();
        Path file = spec.requireFile(format, precision);
        Engine engine = engine();
        if (device.isGpu()) {
            int gpus = gpuCount(engine);
            if (device.index() >= gpus) {
                throw new BackendUnavailableException("backend '" + name + "': " + device + " was requested but the "
                        + engineName + " engine sees " + gpus + " GPU(s) here"
                        + (gpus == 0 ? " (it needs the engine's CUDA natives and a visible NVIDIA driver)" : ""));
            }
        }
        checkSupported(device, precision);
        int batchLimit = batchLimit(spec, file);
        configureEngine(engine, options);
        verifyDevice(engine, device);
        ai.djl.Device djlDevice = toDjl(device);
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(engineName)
                .optDevice(djlDevice)
                .optModelPath(file)
                .optModelName(stripExtension(file.getFileName().toString()))
                .optTranslator(new NoopTranslator());
        engineOptions(options).forEach(criteria::optOption);
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new ModelException("backend '" + name + "' cannot load " + file + " on " + device + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelException("backend '" + name + "' cannot load " + file + " on " + device + ": " + e.getMessage(), e);
        } catch (LinkageError e) {
            // an engine class whose static initialiser failed (DJL's OrtNDManager when its alternative engine would
            // not load): the engine, not the model, is unusable in this JVM
            throw new BackendUnavailableException("backend '" + name + "': the " + engineName
                    + " engine failed to initialise while loading " + file + ": " + e, e);
        }
        if (checksInputNames()) {
            try {
                checkInputName(model, spec, file);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
        DjlBatchBackend backend = new DjlBatchBackend(model, djlDevice, device, precision, spec.inputType(),
                spec.output(), engineLabel(engine), cacheReleaser(device), batchLimit, preparesOnDevice(device));
        if (options.warmUp()) {
            warmUp(backend, spec, file);
        }
        return backend;
    }

    /**
     * The SDK feeds exactly one input tensor, by position: the model must have exactly one input, and it must be
     * the one {@code model.json} names, or the descriptor describes another model than the file holds.
     */
    static void checkInputName(ZooModel<NDList, NDList> model, ModelSpec spec, Path file) {
        PairList<String, Shape> inputs = model.describeInput();
        List<String> names = inputs == null ? List.of() : inputs.keys();
        if (names.size() != 1 || !names.get(0).equals(spec.inputName())) {
            throw new ModelException("model '" + spec.name() + "': model.json names the input '" + spec.inputName()
                    + "' but " + file + (names.size() == 1 ? " has the input '" + names.get(0) + "'"
                            : " has " + names.size() + " inputs " + names + " (the SDK feeds exactly one)")
                    + "; correct input.name in model.json");
        }
    }

    /** One forward pass on a policy-sized dummy so the first real caller pays neither lazy init nor autotuning. */
    private static void warmUp(DjlBatchBackend backend, ModelSpec spec, Path file) {
        try {
            backend.run(List.of(ModelInput.blank(spec)));
        } catch (MattingException e) {
            backend.close();
            if (e instanceof DeviceOutOfMemoryException) {
                throw new DeviceOutOfMemoryException("warm-up of " + file + " does not fit on " + backend.device()
                        + ": " + e.getMessage(), e);
            }
            throw new ModelException("warm-up of " + file + " failed on " + backend.device() + ": " + e.getMessage(), e);
        }
    }

    /** The DJL device for an SDK device. */
    public static ai.djl.Device toDjl(Device device) {
        return device.isGpu() ? ai.djl.Device.gpu(device.index()) : ai.djl.Device.cpu();
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    @Override
    public String toString() {
        return name + " (DJL " + engineName + ")";
    }
}
