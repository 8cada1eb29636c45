package dev.matting.bench;

import dev.matting.bench.table.DeviceBallast;
import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.gpu.GpuMonitor;
import dev.matting.gpu.GpuSnapshot;
import dev.matting.model.ModelSpec;
import dev.matting.scheduler.MattingScheduler;
import dev.matting.scheduler.MemorySource;
import dev.matting.scheduler.SchedulerStats;
import dev.matting.spi.BackendOptions;
import dev.matting.spi.BackendSelector;
import dev.matting.spi.BatchBackend;
import dev.matting.spi.MattingBackend;
import dev.matting.spi.ModelInput;
import dev.matting.spi.ModelOutput;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The CUDA correctness checks as a plain {@code java} command, for GPU machines without Maven: NVML readings, each
 * backend's GPU output against its CPU output, FP16 against FP32, a ballast NVML can see, and recovery from real CUDA
 * out-of-memory errors through the scheduler with nothing lost or mismatched. Exit code 0 when nothing failed
 * (checks that cannot run here are skipped), 1 otherwise.
 *
 * <pre>java -cp 'matting-benchmarks/target/matting-benchmarks.jar:matting-benchmarks/target/lib/*' \
 *     dev.matting.bench.GpuCheck [--model tiny|base|DIR]</pre>
 */
public final class GpuCheck {
    private static final Device GPU = Device.gpu(0);

    private GpuCheck() {
    }

    /** One line of the verdict. */
    record Result(String check, String status, String detail) {
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        String model = "tiny";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--model") && i + 1 < args.length) {
                model = args[++i];
            } else {
                out.println("usage: GpuCheck [--model tiny|base|DIR]");
                return 2;
            }
        }
        ModelSpec spec = ModelRef.resolve(model);
        List<Result> results = new ArrayList<>();
        try (GpuMonitor monitor = GpuMonitor.nvml()) {
            results.add(nvml(monitor));
            List<ModelInput> inputs = distinctInputs(spec, 8);
            for (MattingBackend b : BackendSelector.installed()) {
                if (!b.devices().contains(GPU)) {
                    results.add(new Result(b.name() + " on gpu0", "SKIP", "no CUDA device visible to " + b.name()));
                    continue;
                }
                results.addAll(agreement(b, spec, inputs));
            }
            results.addAll(outOfMemoryRecovery(spec, inputs, monitor));
        }
        out.printf(Locale.ROOT, "%-44s %-12s %s%n", "check", "status", "detail");
        for (Result r : results) {
            out.printf(Locale.ROOT, "%-44s %-12s %s%n", r.check(), r.status(), r.detail());
        }
        long failed = results.stream().filter(r -> r.status().equals("FAIL")).count();
        out.println(failed == 0 ? "no check failed" : failed + " check(s) failed");
        return failed == 0 ? 0 : 1;
    }

    private static Result nvml(GpuMonitor monitor) {
        if (!monitor.available()) {
            return new Result("NVML telemetry", "SKIP", monitor.unavailableReason());
        }
        List<GpuSnapshot> gpus = monitor.snapshot();
        if (gpus.isEmpty()) {
            return new Result("NVML telemetry", "FAIL", "NVML answers but lists no GPU");
        }
        GpuSnapshot g = gpus.get(0);
        boolean sane = g.hasMemoryInfo() && g.memoryFreeBytes() > 0 && g.memoryFreeBytes() <= g.memoryTotalBytes();
        return new Result("NVML telemetry", sane ? "PASS" : "FAIL", String.format(Locale.ROOT,
                "%d GPU(s); gpu0 %s, %.1f of %.1f GiB free", gpus.size(), g.name(), gib(g.memoryFreeBytes()),
                gib(g.memoryTotalBytes())));
    }

    /** GPU FP32 against CPU FP32 (TF32 convolutions make them differ a little), GPU FP16 against GPU FP32. */
    private static List<Result> agreement(MattingBackend b, ModelSpec spec, List<ModelInput> inputs) {
        List<Result> out = new ArrayList<>();
        try {
            List<float[]> cpu = runOnce(b, spec, Device.cpu(), Precision.FP32, inputs);
            List<float[]> gpu32 = runOnce(b, spec, GPU, Precision.FP32, inputs);
            out.add(compare(b.name() + " gpu0 FP32 vs cpu FP32", gpu32, cpu, 5e-3, 0.02));
            if (spec.supports(b.format(), Precision.FP16)) {
                List<float[]> gpu16 = runOnce(b, spec, GPU, Precision.FP16, inputs);
                out.add(compare(b.name() + " gpu0 FP16 vs gpu0 FP32", gpu16, gpu32, 1e-2, 0.05));
            }
        } catch (RuntimeException e) {
            out.add(new Result(b.name() + " on gpu0", "FAIL", e.toString()));
        }
        return out;
    }

    private static List<float[]> runOnce(MattingBackend b, ModelSpec spec, Device device, Precision p,
            List<ModelInput> inputs) {
        try (BatchBackend backend = b.open(spec, new BackendOptions(device, p, 0, true, true))) {
            return backend.run(inputs).stream().map(ModelOutput::plane).toList();
        }
    }

    /**
     * Mean |d| and the 99.9th percentile of |d| against limits; the maximum is reported, not judged: a handful of
     * pixels on a steep edge of the sigmoid may move far under FP16 or TF32 while the matte is the same.
     */
    private static Result compare(String check, List<float[]> got, List<float[]> want, double meanLimit,
            double p999Limit) {
        double sum = 0;
        double max = 0;
        int total = want.stream().mapToInt(a -> a.length).sum();
        float[] diffs = new float[total];
        int n = 0;
        for (int i = 0; i < want.size(); i++) {
            for (int j = 0; j < want.get(i).length; j++) {
                float d = Math.abs(got.get(i)[j] - want.get(i)[j]);
                diffs[n++] = d;
                sum += d;
                max = Math.max(max, d);
            }
        }
        java.util.Arrays.sort(diffs);
        double p999 = diffs[Math.min(n - 1, (int) Math.ceil(n * 0.999) - 1)];
        double mean = sum / n;
        boolean ok = mean <= meanLimit && p999 <= p999Limit && Double.isFinite(mean) && Double.isFinite(max);
        return new Result(check, ok ? "PASS" : "FAIL", String.format(Locale.ROOT,
                "mean |d| %.2e (limit %.2g), 99.9th pct |d| %.2e (limit %.2g), max |d| %.2e", mean, meanLimit, p999,
                p999Limit, max));
    }

    /**
     * Real CUDA OOMs on purpose: a ballast leaves about 1 GiB free, and a memory source that claims far more makes the
     * scheduler plan batches of 64 that cannot fit. It must split them until they do and hand every image its own
     * alpha: each result is judged against the CPU FP32 alpha of every input ({@link AlphaIdentity}: close to its
     * own, clearly closer to its own than to any other), so TF32 noise passes and a swap does not. Then a scheduler
     * that reads NVML must need no retry at all.
     */
    private static List<Result> outOfMemoryRecovery(ModelSpec spec, List<ModelInput> distinct, GpuMonitor monitor) {
        Optional<MattingBackend> torch = BackendSelector.installed().stream()
                .filter(b -> b.name().equals("pytorch") && b.devices().contains(GPU)).findFirst();
        if (torch.isEmpty() || !monitor.available()) {
            return List.of(new Result("OOM recovery under a ballast", "SKIP", "needs PyTorch on gpu0 and NVML"));
        }
        List<Result> out = new ArrayList<>();
        List<float[]> reference;
        try {
            reference = runOnce(torch.get(), spec, Device.cpu(), Precision.FP32, distinct);
        } catch (RuntimeException e) {
            return List.of(new Result("OOM recovery under a ballast", "FAIL", "CPU reference: " + e));
        }
        if (!AlphaIdentity.distinguishable(reference)) {
            return List.of(new Result("OOM recovery under a ballast", "INCONCLUSIVE",
                    "the inputs' CPU alphas are too alike to tell a mix-up from noise"));
        }
        try (BatchBackend backend = torch.get().open(spec, new BackendOptions(GPU, Precision.FP32, 0, true, true))) {
            backend.releaseCachedMemory();
            long free = monitor.freeBytes(0);
            long ballastBytes = free - (1L << 30);
            if (ballastBytes <= 0) {
                return List.of(new Result("OOM recovery under a ballast", "SKIP", "less than 1 GiB free on gpu0"));
            }
            try (DeviceBallast ballast = DeviceBallast.occupy(GPU, ballastBytes)) {
                long freeWith = monitor.freeBytes(0);
                double seen = (free - freeWith) / (double) ballastBytes;
                out.add(new Result("ballast visible to NVML", seen > 0.95 && seen < 1.1 ? "PASS" : "FAIL",
                        String.format(Locale.ROOT, "%.2f GiB ballast, NVML free fell by %.2f GiB", gib(ballastBytes),
                                gib(free - freeWith))));
                MemorySource lying = new MemorySource() {
                    @Override
                    public long freeBytes(Device device) {
                        return 1L << 40;
                    }

                    @Override
                    public long totalBytes(Device device) {
                        return 1L << 40;
                    }
                };
                out.add(schedule("OOM recovery, 64 images, lying memory", backend, lying, distinct, reference, true));
                MemorySource nvml = new MemorySource() {
                    @Override
                    public long freeBytes(Device device) {
                        return monitor.freeBytes(device.index());
                    }
                };
                out.add(schedule("NVML-sized batches, 64 images", backend, nvml, distinct, reference, false));
            }
        } catch (RuntimeException e) {
            out.add(new Result("OOM recovery under a ballast", "FAIL", e.toString()));
        }
        return out;
    }

    private static Result schedule(String check, BatchBackend backend, MemorySource memory, List<ModelInput> distinct,
            List<float[]> reference, boolean expectOom) {
        try (MattingScheduler scheduler = MattingScheduler.builder().lane(backend).maxBatchSize(64)
                .maxDelay(Duration.ofMillis(50)).memorySource(memory).build()) {
            List<CompletableFuture<ModelOutput>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                futures.add(scheduler.submit(distinct.get(i % distinct.size())));
            }
            int mismatched = 0;
            int failed = 0;
            AlphaIdentity.Verdict worst = null;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    AlphaIdentity.Verdict v = AlphaIdentity.judge(futures.get(i).join().plane(), i % distinct.size(), reference);
                    mismatched += v.own() ? 0 : 1;
                    if (worst == null || v.meanToOwn() > worst.meanToOwn()) {
                        worst = v;
                    }
                } catch (RuntimeException e) {
                    failed++;
                }
            }
            SchedulerStats s = scheduler.stats();
            boolean ok = failed == 0 && mismatched == 0 && (!expectOom || s.oomRetries() > 0);
            String status = ok ? "PASS" : (failed == 0 && mismatched == 0 ? "INCONCLUSIVE" : "FAIL");
            return new Result(check, status, String.format(Locale.ROOT,
                    "%d failed, %d not their own alpha, %d OOM retries, batch sizes %s%s", failed, mismatched,
                    s.oomRetries(), s.batchSizeHistogram(), worst == null ? "" : "; worst vs CPU: " + worst.describe()));
        }
    }

    /** Distinct inputs of the model's largest shape, each with its own pseudo-random pixels. */
    static List<ModelInput> distinctInputs(ModelSpec spec, int count) {
        ModelInput shape = ModelInput.blank(spec);
        return InputFactory.inputs(spec, new Resolution(shape.width(), shape.height()), count);
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }
}
