package dev.matting.bench;

import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.model.InputPolicy;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.MattingBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which backend / device / precision combinations this machine can run, found by asking every installed backend
 * for its devices and, when asked to probe, by opening each and running one small forward pass. A combination
 * that cannot or should not run (no CUDA, FP16 on the CPU, no file in the model) is reported with its reason and
 * skipped, never left to crash a benchmark run.
 */
public final class Combos {
    private Combos() {
    }

    /** A combination and, when it cannot run here, why. */
    public record Candidate(Combo combo, Optional<String> skipReason, String engine) {
        public boolean runnable() {
            return skipReason.isEmpty();
        }
    }

    /** Every combination of installed backends, their devices (first GPU only) and both precisions. */
    public static List<Candidate> discover(ModelSpec spec, boolean probe) {
        return discover(spec, probe, BackendSelector.installed());
    }

    static List<Candidate> discover(ModelSpec spec, boolean probe, List<MattingBackend> installed) {
        List<Candidate> out = new ArrayList<>();
        for (MattingBackend b : installed) {
            List<Device> devices;
            try {
                devices = b.devices();
            } catch (RuntimeException e) {
                devices = List.of();
            }
            boolean hasGpu = devices.stream().anyMatch(Device::isGpu);
            for (Device d : List.of(Device.cpu(), Device.gpu(0))) {
                for (Precision p : List.of(Precision.FP32, Precision.FP16)) {
                    Combo c = new Combo(b.name(), d, p);
                    if (!devices.contains(d)) {
                        out.add(skipped(c, d.isGpu() ? (hasGpu ? "gpu0 not visible" : "no CUDA device visible to " + b.name())
                                : b.name() + " cannot load its engine"));
                    } else if (!d.isGpu() && p == Precision.FP16) {
                        // libtorch and ONNX Runtime run half precision on the CPU, but slower than FP32 and with
                        // CPU half kernels that differ from the GPU's: not a row that says anything about FP16
                        out.add(skipped(c, "FP16 is measured on GPUs; on the CPU it is slower than FP32 and "
                                + "Precision.AUTO never picks it"));
                    } else if (!spec.supports(b.format(), p)) {
                        out.add(skipped(c, "model '" + spec.name() + "' has no " + b.format().key() + " " + p.key() + " file"));
                    } else if (probe) {
                        out.add(probe(b, spec, c));
                    } else {
                        out.add(new Candidate(c, Optional.empty(), ""));
                    }
                }
            }
        }
        return out;
    }

    private static Candidate skipped(Combo c, String why) {
        return new Candidate(c, Optional.of(why), "");
    }

    /**
     * Opens the combination and runs one small forward pass (64x64, or the one size a stretch policy gives: such
     * models are often exported for that size only); any failure becomes the skip reason.
     */
    static Candidate probe(MattingBackend b, ModelSpec spec, Combo c) {
        try (BatchBackend backend = b.open(spec, new BackendOptions(c.device(), c.precision(), 0, false, false))) {
            ModelInput in = spec.policy() instanceof InputPolicy.Stretch ? ModelInput.blank(spec)
                    : InputFactory.input(spec, new Resolution(64, 64), 0);
            List<float[]> out = backend.run(List.of(in)).stream().map(ModelOutput::plane).toList();
            if (out.size() != 1 || out.get(0).length != in.height() * in.width()) {
                return skipped(c, "probe returned " + out.size() + " outputs of unexpected size");
            }
            return new Candidate(c, Optional.empty(), backend.engine());
        } catch (RuntimeException | LinkageError e) {
            String msg = String.valueOf(e.getMessage());
            return skipped(c, e.getClass().getSimpleName() + ": " + (msg.length() > 200 ? msg.substring(0, 200) + "..." : msg));
        }
    }

    /** The installed backend of that name. */
    public static MattingBackend backend(String name) {
        return BackendSelector.installed().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new dev.matting.common.BackendUnavailableException("backend '" + name
                        + "' is not installed; installed: " + BackendSelector.installed().stream().map(MattingBackend::name).toList()));
    }
}
