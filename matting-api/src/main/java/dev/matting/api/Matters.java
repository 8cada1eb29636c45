package dev.matting.api;

import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.gpu.GpuMonitor;
import dev.matting.model.ModelSpec;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.scheduler.MemorySource;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import java.util.ArrayList;
import java.util.List;

/** Factories for {@link Matter}: the embedded default, or one built from {@link MatterOptions}. */
public final class Matters {
    private Matters() {
    }

    /** The embedded default model on the best backend and device this machine has; needs no network. */
    public static Matter create() {
        return create(MatterOptions.defaults());
    }

    public static MatterOptions.Builder builder() {
        return MatterOptions.builder();
    }

    public static Matter create(MatterOptions options) {
        ModelSpec spec = options.resolveModel(); // a named model is resolved (and maybe downloaded) here, not in the builder
        BackendSelector.Choice choice = BackendSelector.choose(spec, options);
        List<Device> devices = options.devices().isEmpty() ? List.of(choice.device()) : options.devices();
        for (Device d : devices) {
            if (!choice.backend().devices().contains(d)) {
                throw new BackendUnavailableException("backend " + choice.backend().name() + " cannot run on " + d
                        + "; it sees " + choice.backend().devices());
            }
            if (d.kind() != choice.device().kind()) {
                throw new IllegalArgumentException("devices must be all GPUs or the CPU, got " + devices);
            }
        }
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            List<BatchBackend> lanes = new ArrayList<>();
            for (Device d : devices) {
                BatchBackend lane = choice.backend().open(spec, new BackendOptions(d, choice.precision(),
                        options.intraOpThreads(), options.cudnnBenchmark(), options.warmUp()));
                owned.add(lane);
                lanes.add(lane);
            }
            BatchBackend fallback = null;
            if (options.cpuFallback() && choice.device().isGpu()) {
                BackendSelector.Choice cpu = BackendSelector.choose(spec, options.toBuilder().device(Device.cpu())
                        .precision(Precision.FP32).build());
                fallback = cpu.backend().open(spec, new BackendOptions(Device.cpu(), Precision.FP32,
                        options.intraOpThreads(), false, false));
                owned.add(fallback);
            }
            MemorySource memory = options.memorySource().orElse(null);
            if (memory == null) {
                if (choice.device().isGpu()) {
                    GpuMonitor monitor = GpuMonitor.nvml();
                    owned.add(monitor);
                    memory = nvmlMemory(monitor);
                } else {
                    memory = MemorySource.unmeasured();
                }
            }
            MattingScheduler.Builder sb = MattingScheduler.builder().lanes(lanes).maxDelay(options.maxBatchDelay())
                    .maxBatchSize(options.maxBatchSize()).queueCapacity(options.queueCapacity())
                    .overflow(options.overflow()).memorySource(memory).vramBudget(options.vramBudget())
                    .requestTimeout(options.requestTimeout());
            if (fallback != null) {
                sb.cpuFallback(fallback);
            }
            MattingScheduler scheduler = sb.build();
            owned.add(0, scheduler); // closed first: drain before the backends go
            if (options.warmUp() && choice.device().isGpu()) {
                // Measures what one image of the model's typical shape costs before the first caller arrives.
                scheduler.calibrate(ModelInput.blank(spec)).join();
            }
            return new PipelineMatter(choice.backend().name(), spec, lanes.get(0), scheduler, options, owned);
        } catch (RuntimeException | Error e) {
            PipelineMatter.closeAll(owned, e);
            throw e;
        }
    }

    /** Free and total memory from NVML; unknown (so batches come from the budget cap alone) when NVML cannot say. */
    private static MemorySource nvmlMemory(GpuMonitor monitor) {
        return new MemorySource() {
            @Override
            public long freeBytes(Device device) {
                return monitor.snapshot(device.index()).filter(s -> s.hasMemoryInfo()).map(s -> s.memoryFreeBytes())
                        .orElse(UNKNOWN);
            }

            @Override
            public long totalBytes(Device device) {
                return monitor.snapshot(device.index()).filter(s -> s.hasMemoryInfo()).map(s -> s.memoryTotalBytes())
                        .orElse(UNKNOWN);
            }
        };
    }
}
