package dev.matting.bench.jmh;

import dev.matting.bench.Combo;
import dev.matting.bench.CombinationUnavailableException;
import dev.matting.bench.Combos;
import dev.matting.bench.ModelRef;
import dev.matting.bench.Resolution;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.MattingBackend;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Parameters every matting benchmark shares. A combination this machine cannot run fails its setup with a
 * {@link CombinationUnavailableException} naming the reason; JMH then reports that one benchmark as failed and
 * goes on. {@link JmhSuite} avoids even that by passing only the combinations its probe found runnable.
 */
@State(Scope.Benchmark)
public abstract class BenchParams {
    /** {@code pytorch} or {@code onnxruntime}. */
    @Param({"pytorch", "onnxruntime"})
    public String backend;

    /** {@code cpu} or {@code gpu} (first CUDA device). */
    @Param({"cpu", "gpu"})
    public String device;

    /** {@code fp32} or {@code fp16}. */
    @Param({"fp32", "fp16"})
    public String precision;

    /** {@code tiny} ({@code models/unet-tiny}), {@code base} (see {@link ModelRef}) or a model folder. */
    @Param({"tiny"})
    public String model;

    /** Model input size: {@code 512}, {@code 1024} or {@code 1920x1080}. */
    @Param({"512", "1024", "1920x1080"})
    public String resolution;

    protected Combo combo() {
        try {
            return Combo.of(backend, device, precision);
        } catch (IllegalArgumentException e) {
            throw new CombinationUnavailableException(backend + "/" + device + "/" + precision, e.getMessage(), e);
        }
    }

    protected Resolution res() {
        return Resolution.parse(resolution);
    }

    /** The model at this benchmark's resolution. */
    protected ModelSpec spec() {
        return ModelRef.atPolicy(ModelRef.resolve(model), res().policy());
    }

    /** Opens the backend for this combination, or fails with the reason it cannot run here. */
    protected BatchBackend openBackend(ModelSpec spec) {
        Combo c = combo();
        String name = c + " model " + ModelRef.label(model);
        MattingBackend b;
        try {
            b = Combos.backend(c.backend());
        } catch (RuntimeException e) {
            throw new CombinationUnavailableException(name, e.getMessage(), e);
        }
        if (!b.devices().contains(c.device())) {
            throw new CombinationUnavailableException(name, b.name() + " sees only " + b.devices(), null);
        }
        if (!spec.supports(b.format(), c.precision())) {
            throw new CombinationUnavailableException(name, "the model has no " + b.format().key() + " "
                    + c.precision().key() + " file", null);
        }
        try {
            return b.open(spec, new BackendOptions(c.device(), c.precision(), 0, true, true));
        } catch (RuntimeException e) {
            throw new CombinationUnavailableException(name, e.getMessage(), e);
        }
    }
}
