package dev.matting.api;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.image.DecodeLimits;
import dev.matting.model.ModelSpec;
import dev.matting.model.ModelStore;
import dev.matting.postprocess.PostProcess;
import dev.matting.postprocess.Preset;
import dev.matting.scheduler.MemorySource;
import dev.matting.scheduler.Overflow;
import dev.matting.scheduler.SchedulerConfig;
import dev.matting.scheduler.VramBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Matters#create(MatterOptions)} builds a {@link Matter}: model, backend, device, precision,
 * post-processing, threads and scheduling. Immutable; every unset option has a sensible default (bundled model, best
 * backend, a GPU when present, FP16 on GPU and FP32 on CPU, no post-processing, one CPU worker per core, micro-batches
 * of up to 8 sized from free device memory, a 5 ms batching window).
 *
 * <p>The model is one of: a {@link ModelSpec} or model folder ({@code model(Path)}), a name resolved through a
 * {@link ModelStore} when the {@link Matter} is created ({@code model("isnet-general-use")}), or nothing, for the
 * embedded default. The last one set wins.
 */
public final class MatterOptions {
    private final ModelSpec model;
    private final String modelName;
    private final ModelStore modelStore;
    private final String backend;
    private final Precision precision;
    private final PostProcess postProcess;
    private final int cpuThreads;
    private final int intraOpThreads;
    private final int lanesPerDevice;
    private final boolean cudnnBenchmark;
    private final boolean warmUp;
    private final List<Device> devices;
    private final SchedulerConfig scheduling;
    private final MemorySource memorySource;
    private final boolean cpuFallback;
    private final DecodeLimits decodeLimits;

    private MatterOptions(Builder b) {
        this.model = b.model;
        this.modelName = b.modelName;
        this.modelStore = b.modelStore;
        this.backend = b.backend;
        this.precision = b.precision;
        this.postProcess = b.postProcess;
        this.cpuThreads = b.cpuThreads;
        this.intraOpThreads = b.intraOpThreads;
        this.lanesPerDevice = b.lanesPerDevice;
        this.cudnnBenchmark = b.cudnnBenchmark;
        this.warmUp = b.warmUp;
        this.devices = List.copyOf(b.devices);
        this.scheduling = b.scheduling.build();
        this.memorySource = b.memorySource;
        this.cpuFallback = b.cpuFallback;
        this.decodeLimits = b.decodeLimits != null ? b.decodeLimits : DecodeLimits.defaults();
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options left at every default: the embedded model on the best backend and device this machine has. */
    public static MatterOptions defaults() {
        return builder().build();
    }

    /** The model given as a descriptor or folder; empty when it is given by name, or is the embedded default. */
    public Optional<ModelSpec> model() {
        return Optional.ofNullable(model);
    }

    /** The model given by name, resolved through {@link #modelStore()} when the {@link Matter} is created. */
    public Optional<String> modelName() {
        return Optional.ofNullable(modelName);
    }

    /** The store that resolves {@link #modelName()} and unpacks the embedded default; empty for {@link ModelStore#defaults()}. */
    public Optional<ModelStore> modelStore() {
        return Optional.ofNullable(modelStore);
    }

    /**
     * The model these options mean, with its files on disk: {@link #model()} when set, else {@link #modelName()}
     * resolved through the store (downloaded on first use), else the store's embedded default. Called by
     * {@link Matters#create(MatterOptions)}; may download, so it is not called while options are built.
     *
     * @throws dev.matting.common.ModelException when the named model cannot be resolved
     */
    public ModelSpec resolveModel() {
        if (model != null) {
            return model;
        }
        ModelStore store = modelStore != null ? modelStore : ModelStore.defaults();
        return modelName != null ? store.resolve(modelName) : store.embedded();
    }

    /** The backend name asked for, or empty for the best one available. */
    public Optional<String> backend() {
        return Optional.ofNullable(backend);
    }

    /** The device asked for, or empty for the first GPU when one is usable, else the CPU. */
    public Optional<Device> device() {
        return devices.isEmpty() ? Optional.empty() : Optional.of(devices.get(0));
    }

    /**
     * The scheduler's settings (batching window, batch size, queue, overflow, memory budget, request timeout) as one
     * value; see {@link SchedulerConfig} for each default.
     */
    public SchedulerConfig scheduling() {
        return scheduling;
    }

    /** Every device asked for, one scheduler lane each; empty for automatic choice of one. */
    public List<Device> devices() {
        return devices;
    }





    /** Where free device memory is read, or empty for NVML on GPUs. */
    public Optional<MemorySource> memorySource() {
        return Optional.ofNullable(memorySource);
    }


    /** Whether an image too large for the GPU even alone runs on the CPU instead of failing. */
    public boolean cpuFallback() {
        return cpuFallback;
    }

    /** The precision asked for; {@link Precision#AUTO} (the default) means FP16 on a GPU and FP32 on the CPU. */
    public Precision precision() {
        return precision;
    }

    /**
     * How large an input may decode: pixels and bytes, checked from its header before any pixel memory is allocated
     * (default {@link DecodeLimits#defaults()}: 100 megapixels and min(768 MiB, max heap / 2)).
     */
    public DecodeLimits decodeLimits() {
        return decodeLimits;
    }

    /** The clean-up applied to every matte unless a call overrides it; {@link PostProcess#NONE} by default. */
    public PostProcess postProcess() {
        return postProcess;
    }

    /** Workers for decode, resize, post-process and encode. */
    public int cpuThreads() {
        return cpuThreads;
    }

    /** Engine threads inside one forward pass on the CPU (0 = engine default). */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Scheduler lanes per GPU, each with its own copy of the model (see {@link Builder#lanesPerDevice}). */
    public int lanesPerDevice() {
        return lanesPerDevice;
    }


    /** Whether cuDNN autotunes its convolution algorithms for each new input shape (PyTorch on a GPU; default on). */
    public boolean cudnnBenchmark() {
        return cudnnBenchmark;
    }

    /** Whether opening runs a forward pass on a blank input and, on a GPU, measures per-image memory (default on). */
    public boolean warmUp() {
        return warmUp;
    }

    /** A builder that starts from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.modelName = modelName;
        b.modelStore = modelStore;
        b.backend = backend;
        b.devices = new ArrayList<>(devices);
        b.scheduling = scheduling.toBuilder();
        b.memorySource = memorySource;
        b.cpuFallback = cpuFallback;
        b.decodeLimits = decodeLimits;
        b.precision = precision;
        b.postProcess = postProcess;
        b.cpuThreads = cpuThreads;
        b.intraOpThreads = intraOpThreads;
        b.lanesPerDevice = lanesPerDevice;
        b.cudnnBenchmark = cudnnBenchmark;
        b.warmUp = warmUp;
        return b;
    }

    @Override
    public String toString() {
        return "MatterOptions[model=" + (model != null ? model.name() : modelName != null ? modelName : "embedded") + ", backend="
                + (backend == null ? "auto" : backend) + ", device=" + (devices.isEmpty() ? "auto" : devices) + ", precision="
                + precision + ", " + postProcess + ", cpuThreads=" + cpuThreads + ", " + scheduling + "]";
    }

    /** Collects options; setters validate at once and name the bad value. */
    public static final class Builder {
        private ModelSpec model;
        private String modelName;
        private ModelStore modelStore;
        private String backend;
        private List<Device> devices = new ArrayList<>();
        private SchedulerConfig.Builder scheduling = SchedulerConfig.builder();
        private MemorySource memorySource;
        private boolean cpuFallback;
        private DecodeLimits decodeLimits;
        private Precision precision = Precision.AUTO;
        private PostProcess postProcess = PostProcess.NONE;
        private int cpuThreads = Runtime.getRuntime().availableProcessors();
        private int intraOpThreads;
        private int lanesPerDevice = 1;
        private boolean cudnnBenchmark = true;
        private boolean warmUp = true;

        private Builder() {
        }

        /** A model already loaded; replaces a model name set before. */
        public Builder model(ModelSpec spec) {
            this.model = Objects.requireNonNull(spec, "model");
            this.modelName = null;
            return this;
        }

        /** A model folder (or its {@code model.json}), read now; replaces a model name set before. */
        public Builder model(Path modelJsonOrDirectory) {
            return model(ModelSpec.load(modelJsonOrDirectory));
        }

        /**
         * A model by name (e.g. {@code "u2net"}, {@code "isnet-general-use"}; see {@link dev.matting.model.ModelCatalog}),
         * resolved through the {@link #modelStore(ModelStore) model store} when the {@link Matter} is created, not
         * now: it may download on first use. Replaces a model or folder set before.
         */
        public Builder model(String name) {
            Objects.requireNonNull(name, "model name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("model name must not be blank");
            }
            this.modelName = name.trim();
            this.model = null;
            return this;
        }

        /** The store that resolves a model name and unpacks the embedded default (default {@link ModelStore#defaults()}). */
        public Builder modelStore(ModelStore store) {
            this.modelStore = Objects.requireNonNull(store, "modelStore");
            return this;
        }

        /** {@code pytorch}, {@code onnxruntime}, or {@code auto}. */
        public Builder backend(String name) {
            String n = Objects.requireNonNull(name, "backend").trim().toLowerCase(java.util.Locale.ROOT);
            this.backend = n.equals("auto") || n.isEmpty() ? null : n;
            return this;
        }

        /** One device; {@code null} for automatic choice. */
        public Builder device(Device value) {
            this.devices = value == null ? new ArrayList<>() : new ArrayList<>(List.of(value));
            return this;
        }

        /** All scheduler settings at once, replacing any set so far (see {@link SchedulerConfig}). */
        public Builder scheduling(SchedulerConfig value) {
            this.scheduling = Objects.requireNonNull(value, "scheduling").toBuilder();
            return this;
        }

        /** Several devices of one kind (e.g. every GPU): one scheduler lane each, least-loaded dispatch. */
        public Builder devices(Device... values) {
            this.devices = new ArrayList<>(List.of(values));
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#maxBatchDelay}: how long a micro-batch may wait to fill. */
        public Builder maxBatchDelay(Duration delay) {
            scheduling.maxBatchDelay(delay);
            return this;
        }

        /**
         * Shorthand for {@link SchedulerConfig.Builder#queueCapacity}: requests that may be in flight in the Matter
         * (accepted, their work not ended) before {@code overflow} applies.
         */
        public Builder queueCapacity(int capacity) {
            scheduling.queueCapacity(capacity);
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#overflow}: block the caller or reject when the Matter is full. */
        public Builder overflow(Overflow value) {
            scheduling.overflow(value);
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#vramBudget}: how much free device memory batches may plan with. */
        public Builder vramBudget(VramBudget value) {
            scheduling.vramBudget(value);
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#memoryCapBytes}: plan as if each device had only this many bytes (emulates a smaller card). */
        public Builder memoryCapBytes(long bytes) {
            scheduling.memoryCapBytes(bytes);
            return this;
        }

        /** Where free and total device memory is read to size batches, instead of NVML (e.g. a scripted source). */
        public Builder memorySource(MemorySource value) {
            this.memorySource = Objects.requireNonNull(value, "memorySource");
            return this;
        }

        /**
         * Shorthand for {@link SchedulerConfig.Builder#requestTimeout}: the limit on each request, from the
         * {@code submit} or {@code matte} call to its matte (decode, queue, forward pass, post-processing included).
         */
        public Builder requestTimeout(Duration timeout) {
            scheduling.requestTimeout(timeout);
            return this;
        }

        /**
         * Shorthand for {@link SchedulerConfig.Builder#drainTimeout}: how long {@link Matter#close()} lets accepted
         * work finish before failing what is left (default 30 s).
         */
        public Builder drainTimeout(Duration timeout) {
            scheduling.drainTimeout(timeout);
            return this;
        }

        /**
         * Whether an image too large for the GPU even alone runs on a CPU backend instead of failing with
         * {@link dev.matting.common.DeviceOutOfMemoryException} (default off; ignored on the CPU).
         */
        public Builder cpuFallback(boolean on) {
            this.cpuFallback = on;
            return this;
        }

        /**
         * The pixel count and byte budget an input may decode to; larger ones fail with an
         * {@link dev.matting.common.ImageDecodeException} before any pixel is decoded.
         */
        public Builder decodeLimits(DecodeLimits value) {
            this.decodeLimits = Objects.requireNonNull(value, "decodeLimits");
            return this;
        }

        /**
         * The precision of the forward pass; {@link Precision#AUTO} (the default) picks FP16 on a GPU and FP32 on the
         * CPU, falling back to the other when the model has only that one.
         */
        public Builder precision(Precision value) {
            this.precision = Objects.requireNonNull(value, "precision");
            return this;
        }

        /** The clean-up for every matte (default {@link PostProcess#NONE}); {@link MatteOptions} can override it. */
        public Builder postProcess(PostProcess value) {
            this.postProcess = Objects.requireNonNull(value, "postProcess");
            return this;
        }

        /** The post-processing of one of the four scenarios: {@code postProcess(preset.postProcess())}. */
        public Builder preset(Preset preset) {
            return postProcess(preset.postProcess());
        }

        /**
         * Workers for decode, resize, post-process and encode, at least 1 (default one per available processor).
         *
         * @throws IllegalArgumentException when {@code n} is below 1
         */
        public Builder cpuThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("cpuThreads must be >= 1, got " + n);
            }
            this.cpuThreads = n;
            return this;
        }

        /** Engine threads inside one forward pass on the CPU; 0 (the default) leaves the engine's own choice. */
        public Builder intraOpThreads(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + n);
            }
            this.intraOpThreads = n;
            return this;
        }

        /**
         * Scheduler lanes per GPU (1 to 4, default 1), each with its own copy of the model in device memory. With 2, one
         * batch's host work (staging, upload, download) overlaps another batch's forward pass: on an H100, base U-Net
         * FP16 at 1024² with 16 callers, 216 images/s against 196 with one lane. Worth it when the GPU is the bottleneck
         * and the weights fit twice; the lanes split the device's free memory between them. Ignored on the CPU.
         */
        public Builder lanesPerDevice(int n) {
            if (n < 1 || n > 4) {
                throw new IllegalArgumentException("lanesPerDevice must be 1 to 4, got " + n);
            }
            this.lanesPerDevice = n;
            return this;
        }

        /** Shorthand for {@link SchedulerConfig.Builder#maxBatchSize}: most images in one forward pass. */
        public Builder maxBatchSize(int n) {
            scheduling.maxBatchSize(n);
            return this;
        }

        /**
         * Whether cuDNN autotunes its convolution algorithms for each new input shape (PyTorch on a GPU; default on).
         * The first batch of each shape pays for the search; later ones run the fastest algorithm found.
         */
        public Builder cudnnBenchmark(boolean on) {
            this.cudnnBenchmark = on;
            return this;
        }

        /**
         * Whether opening runs one forward pass on a blank input of the model's typical shape, so the first caller
         * pays neither lazy initialisation nor autotuning, and on a GPU measures what one image costs in memory
         * (default on).
         */
        public Builder warmUp(boolean on) {
            this.warmUp = on;
            return this;
        }

        /** The options collected so far. */
        public MatterOptions build() {
            return new MatterOptions(this);
        }

        /** Builds the options and opens a {@link Matter} with them. */
        public Matter create() {
            return Matters.create(build());
        }
    }
}
