package dev.matting.api;

import dev.matting.common.BackendUnavailableException;
import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.gpu.GpuMonitor;
import dev.matting.model.ModelSpec;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.scheduler.MemorySource;
import dev.matting.scheduler.SchedulerConfig;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.ModelInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Factories for {@link Matter}: the embedded default, or one built from {@link MatterOptions}. */
public final class Matters {
    private Matters() {
    }

    /** The embedded default model (U²-Netp) on the best backend and device this machine has; needs no network. */
    public static Matter create() {
        return create(MatterOptions.defaults());
    }

    /** A builder for {@link MatterOptions}; {@link MatterOptions.Builder#create()} opens the {@link Matter}. */
    public static MatterOptions.Builder builder() {
        return MatterOptions.builder();
    }

    /** Opens a {@link Matter} with {@code options}: the model on the chosen backend and devices, behind a scheduler. */
    public static Matter create(MatterOptions options) {
        ModelSpec spec = options.resolveModel(); // a named model is resolved (and maybe downloaded) here, not in the builder
        BackendSelector.Selection selection = BackendSelector.select(spec, options.backend().orElse(null),
                options.devices(), options.precision(), options.cpuFallback());
        boolean gpu = selection.devices().get(0).isGpu();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            List<BatchBackend> lanes = new ArrayList<>();
            for (Device d : selection.devices()) {
                // more than one lane per GPU: a model copy each, so transfers of one overlap the pass of another
                for (int copy = 0; copy < (d.isGpu() ? options.lanesPerDevice() : 1); copy++) {
                    BatchBackend lane = selection.backend().open(spec, new BackendOptions(d, selection.precision(),
                            options.intraOpThreads(), options.cudnnBenchmark(), options.warmUp()));
                    owned.add(lane);
                    lanes.add(lane);
                }
            }
            BatchBackend fallback = null;
            if (selection.cpuFallback().isPresent()) {
                BackendSelector.Choice cpu = selection.cpuFallback().get();
                fallback = cpu.backend().open(spec, new BackendOptions(cpu.device(), cpu.precision(),
                        options.intraOpThreads(), false, false));
                owned.add(fallback);
            }
            MemorySource memory = options.memorySource().orElse(null);
            if (memory == null) {
                if (gpu) {
                    GpuMonitor monitor = GpuMonitor.nvml();
                    owned.add(monitor);
                    memory = nvmlMemory(monitor);
                } else {
                    memory = MemorySource.unmeasured();
                }
            }
            // The Matter bounds each request end to end (decode to matte) itself; a second clock started later
            // inside the scheduler would only ever fire after the Matter's.
            SchedulerConfig scheduling = options.scheduling().toBuilder().requestTimeout(Duration.ZERO).build();
            MattingScheduler.Builder sb = MattingScheduler.builder().lanes(lanes).config(scheduling)
                    .memorySource(memory);
            if (fallback != null) {
                sb.cpuFallback(fallback);
            }
            MattingScheduler scheduler = sb.build();
            owned.add(0, scheduler); // closed first: drain before the backends go
            if (options.warmUp() && gpu) {
                // Measures what one image of the model's typical shape costs before the first caller arrives.
                scheduler.calibrate(ModelInput.blank(spec)).join();
            }
            return new PipelineMatter(selection.backend().name(), spec, lanes.get(0), scheduler, options, owned);
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
