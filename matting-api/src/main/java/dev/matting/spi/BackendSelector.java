package dev.matting.spi;

import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.ModelException;
import dev.matting.common.Precision;
import dev.matting.model.ModelSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The one place that decides what runs a model: which installed backend, on which devices (one scheduler lane each),
 * at which concrete precision, and which backend takes images a GPU cannot hold when a CPU fallback is asked for.
 * Its input is narrow (backend name, devices, precision, fallback) so that every caller, the {@code Matter} factory
 * and the benchmarks alike, gets the same answer and the same errors.
 */
public final class BackendSelector {
    private BackendSelector() {
    }

    /**
     * One backend on one device at one concrete precision.
     *
     * @param backend   the backend to open
     * @param device    the device to open it on
     * @param precision the concrete precision, never {@link Precision#AUTO}
     */
    public record Choice(MattingBackend backend, Device device, Precision precision) {
    }

    /**
     * What to open: {@code backend} on every device of {@code devices} at {@code precision}, plus an optional CPU
     * backend for single images that do not fit on a GPU.
     *
     * @param backend     the backend to open on every device
     * @param devices     the devices, one scheduler lane each; never empty
     * @param precision   the concrete precision of every lane
     * @param cpuFallback the FP32 CPU backend for single images a GPU cannot hold; empty unless a fallback was asked
     *                    for and the lanes are GPUs
     */
    public record Selection(MattingBackend backend, List<Device> devices, Precision precision, Optional<Choice> cpuFallback) {
        /**
         * Copies {@code devices}.
         *
         * @throws NullPointerException when {@code cpuFallback} is {@code null} (it is empty for none)
         */
        public Selection {
            devices = List.copyOf(devices);
            Objects.requireNonNull(cpuFallback, "cpuFallback");
        }
    }

    /** Every backend on the class path, in {@link ServiceLoader} order. */
    public static List<MattingBackend> installed() {
        List<MattingBackend> all = new ArrayList<>();
        ServiceLoader.load(MattingBackend.class, BackendSelector.class.getClassLoader()).forEach(all::add);
        return all;
    }

    /**
     * Decides what runs {@code spec}.
     *
     * @param backend     a backend name ({@code pytorch}, {@code onnxruntime}), or {@code null} for the best one here
     * @param devices     the devices to run on, all GPUs or the CPU; empty for the first usable GPU, else the CPU
     * @param precision   {@link Precision#AUTO} for FP16 on a GPU and FP32 on the CPU (falling back to what the
     *                    model has), or a concrete precision the model must have
     * @param cpuFallback whether single images a GPU cannot hold should run on the CPU instead of failing
     * @throws BackendUnavailableException when no installed backend can run on the devices asked for
     * @throws ModelException              when the model has no file the chosen backend can load at that precision
     * @throws IllegalArgumentException    when {@code devices} mixes GPUs and the CPU or repeats a device
     */
    public static Selection select(ModelSpec spec, String backend, List<Device> devices, Precision precision,
            boolean cpuFallback) {
        return select(spec, backend, devices, precision, cpuFallback, installed());
    }

    static Selection select(ModelSpec spec, String backend, List<Device> devices, Precision precision,
            boolean cpuFallback, List<MattingBackend> installed) {
        Objects.requireNonNull(precision, "precision");
        devices = Device.checkLanes(devices);
        Choice primary = choose(spec, backend, devices.isEmpty() ? null : devices.get(0), precision, installed);
        List<Device> lanes = devices.isEmpty() ? List.of(primary.device()) : devices;
        for (Device d : lanes) {
            if (!primary.backend().devices().contains(d)) {
                throw new BackendUnavailableException("backend " + primary.backend().name() + " cannot run on " + d
                        + "; it sees " + primary.backend().devices());
            }
        }
        Optional<Choice> fallback = Optional.empty();
        if (cpuFallback && primary.device().isGpu()) {
            // The same engine on the CPU when it can (no second engine loaded), else whichever can.
            MattingBackend same = primary.backend();
            fallback = Optional.of(spec.supports(same.format(), Precision.FP32) && same.devices().contains(Device.cpu())
                    ? new Choice(same, Device.cpu(), Precision.FP32)
                    : choose(spec, null, Device.cpu(), Precision.FP32, installed));
        }
        return new Selection(primary.backend(), lanes, primary.precision(), fallback);
    }

    /** The best backend for one device (or for the best device, when {@code device} is null). */
    static Choice choose(ModelSpec spec, String backend, Device device, Precision precision,
            List<MattingBackend> installed) {
        Optional<String> wantedBackend = Optional.ofNullable(backend);
        Optional<Device> wantedDevice = Optional.ofNullable(device);
        // Only named backends are probed: asking for onnxruntime must not load another engine.
        List<MattingBackend> named = installed.stream()
                .filter(b -> wantedBackend.map(b.name()::equals).orElse(true)).toList();
        if (named.isEmpty()) {
            throw new BackendUnavailableException(wantedBackend.map(n -> "backend '" + n + "' is not installed; ")
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
                if (wantedDevice.map(d::equals).orElse(true)) {
                    candidates.add(new Candidate(b, d));
                }
            }
        }
        if (candidates.isEmpty()) {
            String wanted = wantedDevice.map(Device::toString).orElse("any device");
            throw new BackendUnavailableException("no installed backend can run on " + wanted + ": "
                    + forModel.stream().map(b -> b.name() + " sees " + b.devices()).collect(Collectors.joining(", "))
                    + (wantedDevice.filter(Device::isGpu).isPresent()
                            ? " (CUDA needs the GPU natives of the engine and a visible NVIDIA driver)" : ""));
        }
        // A GPU beats the CPU when the caller left the device open; then the backend measured fastest there.
        Candidate best = candidates.stream().min(Comparator
                .comparing((Candidate c) -> c.device().isGpu() ? 0 : 1)
                .thenComparing(c -> c.device().index())
                .thenComparing(c -> -c.backend().priority(c.device()))
                .thenComparing(c -> c.backend().name())).orElseThrow();
        Precision concrete = precision.resolve(best.device());
        if (!spec.supports(best.backend().format(), concrete)) {
            Precision other = concrete == Precision.FP16 ? Precision.FP32 : Precision.FP16;
            if (precision == Precision.AUTO && spec.supports(best.backend().format(), other)) {
                concrete = other;
            } else {
                throw new ModelException("model '" + spec.name() + "' has no " + best.backend().format().key() + " "
                        + concrete.key() + " file for backend " + best.backend().name());
            }
        }
        return new Choice(best.backend(), best.device(), concrete);
    }

    private static String names(List<MattingBackend> backends) {
        return backends.stream().map(MattingBackend::name).toList().toString();
    }
}
