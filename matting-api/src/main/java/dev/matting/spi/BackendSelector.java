package dev.matting.spi;

import dev.matting.api.MatterOptions;
import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import dev.matting.model.ModelSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Picks backend, device and precision from what is installed, what the model offers and what the caller asked. */
public final class BackendSelector {
    private BackendSelector() {
    }

    /** The outcome: which backend to open on which device at which concrete precision. */
    public record Choice(MattingBackend backend, Device device, Precision precision) {
    }

    /** Every backend on the class path, in {@link ServiceLoader} order. */
    public static List<MattingBackend> installed() {
        List<MattingBackend> all = new ArrayList<>();
        ServiceLoader.load(MattingBackend.class, BackendSelector.class.getClassLoader()).forEach(all::add);
        return all;
    }

    public static Choice choose(ModelSpec spec, MatterOptions options) {
        return choose(spec, options, installed());
    }

    static Choice choose(ModelSpec spec, MatterOptions options, List<MattingBackend> installed) {
        List<MattingBackend> named = installed.stream()
                .filter(b -> options.backend().map(b.name()::equals).orElse(true)).toList();
        if (named.isEmpty()) {
            throw new BackendUnavailableException(options.backend().map(n -> "backend '" + n + "' is not installed; ")
                    .orElse("no backend is installed; ") + "installed: " + names(installed)
                    + " (add matting-djl for pytorch or matting-onnx for onnxruntime)");
        }
        List<MattingBackend> forModel = named.stream()
                .filter(b -> spec.supports(b.format(), Precision.FP32) || spec.supports(b.format(), Precision.FP16)).toList();
        if (forModel.isEmpty()) {
            throw new ModelException("model '" + spec.name() + "' has no file in a format of " + names(named));
        }
        record Candidate(MattingBackend backend, Device device) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (MattingBackend b : forModel) {
            for (Device d : b.devices()) {
                if (options.device().map(d::equals).orElse(true)) {
                    candidates.add(new Candidate(b, d));
                }
            }
        }
        if (candidates.isEmpty()) {
            String wanted = options.device().map(Device::toString).orElse("any device");
            throw new BackendUnavailableException("no installed backend can run on " + wanted + ": "
                    + forModel.stream().map(b -> b.name() + " sees " + b.devices()).collect(Collectors.joining(", "))
                    + (options.device().filter(Device::isGpu).isPresent()
                            ? " (CUDA needs the GPU natives of the engine and a visible NVIDIA driver)" : ""));
        }
        // A GPU beats the CPU when the caller left the device open; then the backend measured fastest there.
        Candidate best = candidates.stream().min(Comparator
                .comparing((Candidate c) -> c.device().isGpu() ? 0 : 1)
                .thenComparing(c -> c.device().index())
                .thenComparing(c -> -c.backend().priority(c.device()))
                .thenComparing(c -> c.backend().name())).orElseThrow();
        Precision precision = options.precision().resolve(best.device());
        if (!spec.supports(best.backend().format(), precision)) {
            Precision other = precision == Precision.FP16 ? Precision.FP32 : Precision.FP16;
            if (options.precision() == Precision.AUTO && spec.supports(best.backend().format(), other)) {
                precision = other;
            } else {
                throw new ModelException("model '" + spec.name() + "' has no " + best.backend().format().key() + " "
                        + precision.key() + " file for backend " + best.backend().name());
            }
        }
        return new Choice(best.backend(), best.device(), precision);
    }

    private static String names(List<MattingBackend> backends) {
        return backends.stream().map(MattingBackend::name).toList().toString();
    }
}
