package dev.matting.bench.table;

import dev.matting.api.DeviceOutOfMemoryException;
import dev.matting.api.ImageSource;
import dev.matting.api.MatteResult;
import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import dev.matting.bench.Combo;
import dev.matting.bench.ModelRef;
import dev.matting.bench.Resolution;
import dev.matting.bench.samples.SampleGenerator;
import dev.matting.bench.telemetry.Telemetry;
import dev.matting.bench.telemetry.TelemetrySummary;
import dev.matting.model.ModelSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Runs the comparison table: each {@link RowSpec} on each selected backend that can run it here, timing the
 * end-to-end path (JPEG decode, matte, PNG encode) over a fixed workload while {@link Telemetry} samples the GPU.
 * Rows this machine cannot run are reported as not run with the reason; a failing row never stops the table.
 */
public final class TableRunner {
    /** 24 GiB: the A10G card of the original report, emulated on larger GPUs as a memory budget. */
    public static final long EMULATED_CARD_BYTES = 24L << 30;

    /**
     * What the table runs.
     *
     * @param images  images per client (the original report's "10 images")
     * @param backends backends to run, empty for every installed one
     */
    public record Config(String model, Resolution resolution, int images, int batch, int clients, long vramBudgetBytes,
            List<String> backends, boolean cpuRows, boolean gpuRows) {
        public static Config defaults() {
            return new Config("tiny", Resolution.parse("1024"), 10, 2, 5, EMULATED_CARD_BYTES, List.of(), true, true);
        }
    }

    private final Telemetry telemetry;
    private final Optional<ScheduledRunnerFactory> scheduler;
    private final PrintStream log;

    public TableRunner(Telemetry telemetry, Optional<ScheduledRunnerFactory> scheduler, PrintStream log) {
        this.telemetry = telemetry;
        this.scheduler = scheduler;
        this.log = log;
    }

    /** The scheduler factory on the class path, if the SDK's scheduler module provides one. */
    public static Optional<ScheduledRunnerFactory> installedScheduler() {
        return ServiceLoader.load(ScheduledRunnerFactory.class, TableRunner.class.getClassLoader()).findFirst();
    }

    /** Runs every standard row against the combinations found runnable here. */
    public List<RowResult> run(Config cfg, List<Combo> runnable) {
        ModelSpec spec = ModelRef.resolve(cfg.model()).withPolicy(cfg.resolution().policy());
        List<List<ImageSource>> one = List.of(workload(cfg, 0));
        List<List<ImageSource>> many = new ArrayList<>();
        for (int c = 0; c < cfg.clients(); c++) {
            many.add(workload(cfg, c));
        }
        List<String> backends = new ArrayList<>();
        runnable.stream().map(Combo::backend).distinct()
                .filter(b -> cfg.backends().isEmpty() || cfg.backends().contains(b)).forEach(backends::add);
        List<RowResult> out = new ArrayList<>();
        for (RowSpec row : RowSpec.standard(cfg.batch(), cfg.clients())) {
            if (row.gpu() && !cfg.gpuRows() || !row.gpu() && !cfg.cpuRows()) {
                out.add(RowResult.notRun(row, "", row.gpu() ? "GPU rows need a CUDA machine (run --full there)" : "CPU rows not selected"));
                continue;
            }
            List<String> able = backends.stream().filter(b -> runnable.contains(new Combo(b,
                    row.gpu() ? dev.matting.api.Device.gpu(0) : dev.matting.api.Device.cpu(), row.precision()))).toList();
            if (able.isEmpty()) {
                out.add(RowResult.notRun(row, String.join("/", backends), row.gpu()
                        ? "no CUDA device visible to " + (backends.isEmpty() ? "any backend" : String.join(", ", backends))
                        : "no backend runs " + row.precision().key() + " on the CPU here"));
                continue;
            }
            // concurrency rows compare strategies, not engines: one backend (the first) is enough
            List<String> use = row.mode() == RowSpec.Mode.SINGLE ? able : able.subList(0, 1);
            for (String b : use) {
                out.add(runRow(row, b, spec, cfg, row.clients() > 1 ? many : one));
            }
        }
        return out;
    }

    private static List<ImageSource> workload(Config cfg, int client) {
        List<ImageSource> out = new ArrayList<>();
        Resolution r = cfg.resolution();
        for (int i = 0; i < cfg.images(); i++) {
            // every client sends the same photos: the load differs by strategy, not by content
            byte[] jpeg = SampleGenerator.jpeg(SampleGenerator.scene(r.width(), r.height(), 900 + i).image().toBufferedImage());
            out.add(ImageSource.of("client" + client + "/table-" + i + "-" + r + ".jpg", jpeg));
        }
        return List.copyOf(out);
    }

    private RowResult runRow(RowSpec row, String backend, ModelSpec spec, Config cfg, List<List<ImageSource>> clients) {
        String device = row.gpu() ? "gpu" : "cpu";
        MatterOptions options = Matters.builder().model(spec).backend(backend)
                .device(row.gpu() ? dev.matting.api.Device.gpu(0) : dev.matting.api.Device.cpu())
                .precision(row.precision()).maxBatchSize(row.batch()).warmUp(true).build();
        log.printf(Locale.ROOT, "table: %-45s %s ...%n", row.label(), backend);
        ThroughputRunner runner;
        try {
            runner = switch (row.mode()) {
                case SINGLE -> new MatterRunner(options);
                case NAIVE_CONCURRENT -> new NaiveConcurrentRunner(options, row.clients());
                case SCHEDULED -> {
                    if (scheduler.isEmpty()) {
                        yield null;
                    }
                    yield scheduler.get().open(options, cfg.vramBudgetBytes());
                }
            };
        } catch (DeviceOutOfMemoryException e) {
            return result(row, backend, device, 0, 0, TelemetrySummary.empty(), "OOM while loading: " + e.getMessage(), "");
        } catch (RuntimeException e) {
            return result(row, backend, device, 0, 0, TelemetrySummary.empty(), "failed: " + e.getMessage(), "");
        }
        if (runner == null) {
            return RowResult.notRun(row, backend, "no scheduler installed (dev.matting.scheduler provides "
                    + ScheduledRunnerFactory.class.getSimpleName() + ")");
        }
        try (runner) {
            String engine = runner.describe();
            runner.run(List.of(clients.get(0).subList(0, Math.min(2, clients.get(0).size())))); // warm-up, untimed
            int total = clients.stream().mapToInt(List::size).sum();
            List<MatteResult> results;
            TelemetrySummary t;
            long t0 = System.nanoTime();
            try (Telemetry.Recording rec = telemetry.start()) {
                results = runner.run(clients);
                t = rec.stop();
            }
            double wallMs = (System.nanoTime() - t0) / 1e6;
            long oom = results.stream().filter(r -> !r.isSuccess() && isOom(r.error())).count();
            Optional<MatteResult> failed = results.stream().filter(r -> !r.isSuccess()).findFirst();
            String status;
            if (oom > 0) {
                status = "OOM (" + oom + " of " + total + " images)";
            } else if (failed.isPresent()) {
                status = "failed: " + failed.get().error().getMessage();
            } else if (row.gpu() && t.peakMemoryBytes().isPresent() && t.peakMemoryBytes().getAsLong() > cfg.vramBudgetBytes()) {
                status = "over " + (cfg.vramBudgetBytes() >> 30) + " GiB (emulated OOM)";
            } else {
                status = "stable";
            }
            return result(row, backend, device, total, wallMs, t, status, engine);
        } catch (RuntimeException e) {
            return result(row, backend, device, 0, 0, TelemetrySummary.empty(),
                    (isOom(e) ? "OOM: " : "failed: ") + e.getMessage(), "");
        }
    }

    private static boolean isOom(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DeviceOutOfMemoryException || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("out of memory")) {
                return true;
            }
        }
        return false;
    }

    private static RowResult result(RowSpec row, String backend, String device, int images, double wallMs,
            TelemetrySummary t, String status, String engine) {
        Double ms = images > 0 ? wallMs / images : null;
        return new RowResult(row.id(), row.label(), backend, device, row.precision().key(), row.batch(), row.clients(),
                images, ms, ms == null ? null : 1000 / ms, ms == null ? null : ms * 10 / 1000,
                t.peakMemoryBytes().isPresent() ? t.peakMemoryBytes().getAsLong() : null,
                t.meanUtilisationPercent().isPresent() ? t.meanUtilisationPercent().getAsDouble() : null, status, engine);
    }
}
