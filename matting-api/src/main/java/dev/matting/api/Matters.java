package dev.matting.api;

import dev.matting.internal.BackendSelector;
import dev.matting.internal.PipelineMatter;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;

/** Factories for {@link Matter}: the embedded default, or one built from {@link MatterOptions}. */
public final class Matters {
    private Matters() {
    }

    /** The embedded tiny model on the best backend and device this machine has; needs no network. */
    public static Matter create() {
        return create(MatterOptions.defaults());
    }

    public static MatterOptions.Builder builder() {
        return MatterOptions.builder();
    }

    public static Matter create(MatterOptions options) {
        ModelSpec spec = options.model().orElseGet(ModelSpec::bundled);
        BackendSelector.Choice choice = BackendSelector.choose(spec, options);
        BackendOptions backendOptions = new BackendOptions(choice.device(), choice.precision(), options.intraOpThreads(),
                options.cudnnBenchmark(), options.warmUp());
        BatchBackend backend = choice.backend().open(spec, backendOptions);
        return new PipelineMatter(choice.backend().name(), spec, backend, options);
    }
}
