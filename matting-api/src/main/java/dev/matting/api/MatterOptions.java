package dev.matting.api;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.model.ModelSpec;
import dev.matting.model.ModelStore;
import dev.matting.postprocess.PostProcess;
import dev.matting.postprocess.Preset;
import dev.matting.scheduler.MemorySource;
import dev.matting.scheduler.Overflow;
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
    private final int maxBatchSize;
    private final boolean cudnnBenchmark;
    private final boolean warmUp;
    private final List<Device> devices;
    private final Duration maxBatchDelay;
    private final int queueCapacity;
    private final Overflow overflow;
    private final VramBudget vramBudget;
    private final MemorySource memorySource;
    private final Duration requestTimeout;
    private final boolean cpuFallback;

    private MatterOptions(Builder b) {
        this.model = b.model;
        this.modelName = b.modelName;
        this.modelStore = b.modelStore;
        this.backend = b.backend;
        this.precision = b.precision;
        this.postProcess = b.postProcess;
        this.cpuThreads = b.cpuThreads;
        this.intraOpThreads = b.intraOpThreads;
        this.maxBatchSize = b.maxBatchSize;
        this.cudnnBenchmark = b.cudnnBenchmark;
        this.warmUp = b.warmUp;
        this.devices = List.copyOf(b.devices);
        this.maxBatchDelay = b.maxBatchDelay;
        this.queueCapacity = b.queueCapacity;
        this.overflow = b.overflow;
        this.vramBudget = b.vramBudget;
        this.memorySource = b.memorySource;
        this.requestTimeout = b.requestTimeout;
        this.cpuFallback = b.cpuFallback;
    }

    public static Builder builder() {
        return new Builder();
    }

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

    /** Every device asked for, one scheduler lane each; empty for automatic choice of one. */
    public List<Device> devices() {
        return devices;
    }

    /** Longest a request waits for others of its shape before its micro-batch runs. */
    public Duration maxBatchDelay() {
        return maxBatchDelay;
    }

    /**
     * Requests that may wait in the queue before {@link #overflow()} applies (default 256: each holds its preprocessed
     * input, 3 MB at 1024², so the queue stays under a gigabyte of heap).
     */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** What a full queue does to a new request: block the caller or reject it. */
    public Overflow overflow() {
        return overflow;
    }

    /** How much of the free device memory micro-batches may use (fraction, reserve, optional cap). */
    public VramBudget vramBudget() {
        return vramBudget;
    }

    /** Where free device memory is read, or empty for NVML on GPUs. */
    public Optional<MemorySource> memorySource() {
        return Optional.ofNullable(memorySource);
    }

    /** Per-request limit from submission to alpha ({@link Duration#ZERO} = none). */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Whether an image too large for the GPU even alone runs on the CPU instead of failing. */
    public boolean cpuFallback() {
        return cpuFallback;
    }

    public Precision precision() {
        return precision;
    }

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

    /** Most images in one forward pass of {@link Matter#matteAll}. */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    public boolean cudnnBenchmark() {
        return cudnnBenchmark;
    }

    public boolean warmUp() {
        return warmUp;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.modelName = modelName;
        b.modelStore = modelStore;
        b.backend = backend;
        b.devices = new ArrayList<>(devices);
        b.maxBatchDelay = maxBatchDelay;
        b.queueCapacity = queueCapacity;
        b.overflow = overflow;
        b.vramBudget = vramBudget;
        b.memorySource = memorySource;
        b.requestTimeout = requestTimeout;
        b.cpuFallback = cpuFallback;
        b.precision = precision;
        b.postProcess = postProcess;
        b.cpuThreads = cpuThreads;
        b.intraOpThreads = intraOpThreads;
        b.maxBatchSize = maxBatchSize;
        b.cudnnBenchmark = cudnnBenchmark;
        b.warmUp = warmUp;
        return b;
    }

    @Override
    public String toString() {
        return "MatterOptions[model=" + (model != null ? model.name() : modelName != null ? modelName : "embedded") + ", backend="
                + (backend == null ? "auto" : backend) + ", device=" + (devices.isEmpty() ? "auto" : devices) + ", precision="
                + precision + ", " + postProcess + ", cpuThreads=" + cpuThreads + ", maxBatchSize=" + maxBatchSize + "]";
    }

    /** Collects options; setters validate at once and name the bad value. */
    public static final class Builder {
        private ModelSpec model;
        private String modelName;
        private ModelStore modelStore;
        private String backend;
        private List<Device> devices = new ArrayList<>();
        private Duration maxBatchDelay = Duration.ofMillis(5);
        private int queueCapacity = 256;
        private Overflow overflow = Overflow.BLOCK;
        private VramBudget vramBudget = VramBudget.defaults();
        private MemorySource memorySource;
        private Duration requestTimeout = Duration.ZERO;
        private boolean cpuFallback;
        private Precision precision = Precision.AUTO;
        private PostProcess postProcess = PostProcess.NONE;
        private int cpuThreads = Runtime.getRuntime().availableProcessors();
        private int intraOpThreads;
        private int maxBatchSize = 8;
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

        /** Several devices of one kind (e.g. every GPU): one scheduler lane each, least-loaded dispatch. */
        public Builder devices(Device... values) {
            List<Device> list = List.of(values);
            if (list.stream().distinct().count() != list.size()) {
                throw new IllegalArgumentException("devices repeat: " + list);
            }
            this.devices = new ArrayList<>(list);
            return this;
        }

        public Builder maxBatchDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("maxBatchDelay must be >= 0, got " + delay);
            }
            this.maxBatchDelay = delay;
            return this;
        }

        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be >= 1, got " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        public Builder overflow(Overflow value) {
            this.overflow = Objects.requireNonNull(value, "overflow");
            return this;
        }

        public Builder vramBudget(VramBudget value) {
            this.vramBudget = Objects.requireNonNull(value, "vramBudget");
            return this;
        }

        /**
         * Never plan to use more than this many bytes of a device, whatever it has: emulates a smaller card (e.g. the
         * original report's 24 GiB A10G on an 80 GiB H100).
         */
        public Builder memoryCapBytes(long bytes) {
            return vramBudget(vramBudget.withCapBytes(bytes));
        }

        public Builder memorySource(MemorySource value) {
            this.memorySource = Objects.requireNonNull(value, "memorySource");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must be >= 0, got " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        public Builder cpuFallback(boolean on) {
            this.cpuFallback = on;
            return this;
        }

        public Builder precision(Precision value) {
            this.precision = Objects.requireNonNull(value, "precision");
            return this;
        }

        public Builder postProcess(PostProcess value) {
            this.postProcess = Objects.requireNonNull(value, "postProcess");
            return this;
        }

        public Builder preset(Preset preset) {
            return postProcess(preset.postProcess());
        }

        public Builder cpuThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("cpuThreads must be >= 1, got " + n);
            }
            this.cpuThreads = n;
            return this;
        }

        public Builder intraOpThreads(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + n);
            }
            this.intraOpThreads = n;
            return this;
        }

        public Builder maxBatchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + n);
            }
            this.maxBatchSize = n;
            return this;
        }

        public Builder cudnnBenchmark(boolean on) {
            this.cudnnBenchmark = on;
            return this;
        }

        public Builder warmUp(boolean on) {
            this.warmUp = on;
            return this;
        }

        public MatterOptions build() {
            return new MatterOptions(this);
        }

        /** Builds the options and opens a {@link Matter} with them. */
        public Matter create() {
            return Matters.create(build());
        }
    }
}
