package dev.matting.bench.table;

import dev.matting.api.MatteResult;
import dev.matting.api.MatterOptions;
import dev.matting.api.Matters;
import dev.matting.bench.Combo;
import dev.matting.bench.ModelRef;
import dev.matting.bench.Resolution;
import dev.matting.bench.samples.SampleGenerator;
import dev.matting.bench.telemetry.Telemetry;
import dev.matting.bench.telemetry.TelemetrySummary;
import dev.matting.common.Device;
import dev.matting.common.DeviceOutOfMemoryException;
import dev.matting.common.ImageSource;
import dev.matting.model.ModelSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
     * @param images          images per client (the original report's "10 images")
     * @param vramBudgetBytes the emulated card of the concurrency rows (the scheduler's cap and the ballast's target)
     * @param backends        backends to run, empty for every installed one
     * @param ballast         whether to occupy what the GPU has beyond the emulated card while a concurrency row runs
     */
    public record Config(String model, Resolution resolution, int images, int batch, int clients, long vramBudgetBytes,
            List<String> backends, boolean cpuRows, boolean gpuRows, boolean ballast) {
        public Config {
            if (vramBudgetBytes < 1) {
                throw new IllegalArgumentException("emulated card must be > 0 bytes, got " + vramBudgetBytes);
            }
        }

        public static Config defaults() {
            return new Config("tiny", Resolution.parse("1024"), 10, 2, 5, EMULATED_CARD_BYTES, List.of(), true, true, true);
        }
    }

    private final Telemetry telemetry;
    private final Ballast ballast;
    private final PrintStream log;

    /** A runner that emulates the card with a real PyTorch ballast ({@link Ballast#pytorch()}). */
    public TableRunner(Telemetry telemetry, PrintStream log) {
        this(telemetry, Ballast.pytorch(), log);
    }

    public TableRunner(Telemetry telemetry, Ballast ballast, PrintStream log) {
        this.telemetry = telemetry;
        this.ballast = ballast;
        this.log = log;
    }


    /** Runs every standard row against the combinations found runnable here. */
    public List<RowResult> run(Config cfg, List<Combo> runnable) {
        ModelSpec spec = ModelRef.atPolicy(ModelRef.resolve(cfg.model()), cfg.resolution().policy());
        List<List<ImageSource>> one = List.of(workload(cfg, 0));
        List<List<ImageSource>> many = new ArrayList<>();
        for (int c = 0; c < cfg.clients(); c++) {
            many.add(workload(cfg, c));
        }
        List<String> backends = new ArrayList<>();
        runnable.stream().map(Combo::backend).distinct()
                .filter(b -> cfg.backends().isEmpty() || cfg.backends().contains(b)).forEach(backends::add);
        List<RowResult> out = new ArrayList<>();
        for (RowSpec row : RowSpec.standard(cfg.batch(), cfg.clients(), cfg.vramBudgetBytes() >> 30)) {
            if (row.gpu() && !cfg.gpuRows() || !row.gpu() && !cfg.cpuRows()) {
                out.add(RowResult.notRun(row, "", row.gpu() ? "GPU rows need a CUDA machine (run --full there)" : "CPU rows not selected"));
                continue;
            }
            List<String> able = backends.stream().filter(b -> runnable.contains(new Combo(b,
                    row.gpu() ? Device.gpu(0) : Device.cpu(), row.precision()))).toList();
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
        Device device = row.gpu() ? Device.gpu(0) : Device.cpu();
        log.printf(Locale.ROOT, "table: %-45s %s ...%n", row.label(), backend);
        boolean concurrent = row.mode() != RowSpec.Mode.SINGLE;
        // the ballast goes in before any model loads: the copies of the model count against the card too
        try (CardEmulation card = concurrent && row.gpu()
                ? CardEmulation.start(cfg.ballast(), ballast, telemetry.memory(), device, cfg.vramBudgetBytes())
                : CardEmulation.none("")) {
            if (!card.note().isEmpty()) {
                log.println("table:   " + card.note());
            }
            MatterOptions.Builder ob = Matters.builder().model(spec).backend(backend).device(device)
                    .precision(row.precision()).maxBatchSize(row.batch()).warmUp(true);
            if (card.hiddenBytes() > 0) {
                ob.memorySource(card.memory(telemetry.memory()));
            }
            return runRow(row, backend, device, ob.build(), cfg, clients, card);
        } catch (RuntimeException e) {
            return result(row, backend, device, 0, 0, null, TelemetrySummary.empty(), "failed: " + e.getMessage(), "");
        }
    }

    private RowResult runRow(RowSpec row, String backend, Device device, MatterOptions options, Config cfg,
            List<List<ImageSource>> clients, CardEmulation card) {
        ThroughputRunner runner;
        try {
            runner = switch (row.mode()) {
                case SINGLE -> new MatterRunner(options);
                case NAIVE_CONCURRENT -> NaiveConcurrentRunner.open(options, row.clients());
                case SCHEDULED -> ScheduledRunner.open(options, cfg.vramBudgetBytes());
            };
        } catch (RuntimeException e) {
            return result(row, backend, device, 0, 0, card, TelemetrySummary.empty(),
                    (isOom(e) ? "OOM / unstable while loading: " : "failed: ") + e.getMessage(), "");
        }
        try (runner) {
            String engine = runner.describe() + (card.note().isEmpty() ? "" : "; " + card.note());
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
            long failed = results.stream().filter(r -> !r.isSuccess()).count();
            Optional<MatteResult> firstFailure = results.stream().filter(r -> !r.isSuccess()).findFirst();
            Long peak = t.peakMemoryBytes().isPresent() ? card.rowPeak(t.peakMemoryBytes().getAsLong()) : null;
            long retries = runner.oomRetries();
            String status;
            if (oom > 0) {
                status = "OOM / unstable (" + failed + " of " + total + " images failed, " + oom + " out of memory)";
            } else if (firstFailure.isPresent()) {
                status = "failed (" + failed + " of " + total + " images): " + firstFailure.get().error().getMessage();
            } else if (row.gpu() && peak != null && peak > cfg.vramBudgetBytes()) {
                status = "over " + (cfg.vramBudgetBytes() >> 30) + " GiB (emulated OOM)";
            } else {
                status = "stable";
            }
            if (row.mode() == RowSpec.Mode.SCHEDULED && failed == 0) {
                status += ", 0 OOM" + (retries > 0 ? " (" + retries + " OOM retries recovered inside)" : "");
            }
            return result(row, backend, device, total, wallMs, card, t, status, engine);
        } catch (RuntimeException e) {
            return result(row, backend, device, 0, 0, card, TelemetrySummary.empty(),
                    (isOom(e) ? "OOM / unstable: " : "failed: ") + e.getMessage(), "");
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

    private static RowResult result(RowSpec row, String backend, Device device, int images, double wallMs,
            CardEmulation card, TelemetrySummary t, String status, String engine) {
        Double ms = images > 0 ? wallMs / images : null;
        return new RowResult(row.id(), row.label(), backend, device.isGpu() ? "gpu" : "cpu", row.precision().key(),
                row.batch(), row.clients(), images, ms, ms == null ? null : 1000 / ms, ms == null ? null : ms * 10 / 1000,
                t.peakMemoryBytes().isPresent()
                        ? (card == null ? t.peakMemoryBytes().getAsLong() : card.rowPeak(t.peakMemoryBytes().getAsLong()))
                        : null,
                t.meanUtilisationPercent().isPresent() ? t.meanUtilisationPercent().getAsDouble() : null, status, engine);
    }
}
