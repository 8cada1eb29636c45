package dev.matting.api;

import dev.matting.model.ModelSpec;
import dev.matting.postprocess.PostProcess;
import dev.matting.postprocess.Preset;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Matters#create(MatterOptions)} builds a {@link Matter}: model, backend, device, precision,
 * post-processing and threads. Immutable; every unset option has a sensible default (bundled model, best backend,
 * a GPU when present, FP16 on GPU and FP32 on CPU, no post-processing, one CPU worker per core).
 */
public final class MatterOptions {
    private final ModelSpec model;
    private final String backend;
    private final Device device;
    private final Precision precision;
    private final PostProcess postProcess;
    private final int cpuThreads;
    private final int intraOpThreads;
    private final int maxBatchSize;
    private final boolean cudnnBenchmark;
    private final boolean warmUp;

    private MatterOptions(Builder b) {
        this.model = b.model;
        this.backend = b.backend;
        this.device = b.device;
        this.precision = b.precision;
        this.postProcess = b.postProcess;
        this.cpuThreads = b.cpuThreads;
        this.intraOpThreads = b.intraOpThreads;
        this.maxBatchSize = b.maxBatchSize;
        this.cudnnBenchmark = b.cudnnBenchmark;
        this.warmUp = b.warmUp;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static MatterOptions defaults() {
        return builder().build();
    }

    /** The model, or empty for the embedded default. */
    public Optional<ModelSpec> model() {
        return Optional.ofNullable(model);
    }

    /** The backend name asked for, or empty for the best one available. */
    public Optional<String> backend() {
        return Optional.ofNullable(backend);
    }

    /** The device asked for, or empty for the first GPU when one is usable, else the CPU. */
    public Optional<Device> device() {
        return Optional.ofNullable(device);
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
        b.backend = backend;
        b.device = device;
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
        return "MatterOptions[model=" + (model == null ? "embedded" : model.name()) + ", backend="
                + (backend == null ? "auto" : backend) + ", device=" + (device == null ? "auto" : device) + ", precision="
                + precision + ", " + postProcess + ", cpuThreads=" + cpuThreads + ", maxBatchSize=" + maxBatchSize + "]";
    }

    /** Collects options; setters validate at once and name the bad value. */
    public static final class Builder {
        private ModelSpec model;
        private String backend;
        private Device device;
        private Precision precision = Precision.AUTO;
        private PostProcess postProcess = PostProcess.NONE;
        private int cpuThreads = Runtime.getRuntime().availableProcessors();
        private int intraOpThreads;
        private int maxBatchSize = 8;
        private boolean cudnnBenchmark = true;
        private boolean warmUp = true;

        private Builder() {
        }

        public Builder model(ModelSpec spec) {
            this.model = Objects.requireNonNull(spec, "model");
            return this;
        }

        /** A model folder (or its {@code model.json}). */
        public Builder model(Path modelJsonOrDirectory) {
            return model(ModelSpec.load(modelJsonOrDirectory));
        }

        /** {@code pytorch}, {@code onnxruntime}, or {@code auto}. */
        public Builder backend(String name) {
            String n = Objects.requireNonNull(name, "backend").trim().toLowerCase(java.util.Locale.ROOT);
            this.backend = n.equals("auto") || n.isEmpty() ? null : n;
            return this;
        }

        public Builder device(Device value) {
            this.device = value;
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
