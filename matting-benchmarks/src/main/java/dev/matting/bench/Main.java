package dev.matting.bench;

import dev.matting.bench.jmh.JmhSuite;
import dev.matting.bench.report.Environment;
import dev.matting.bench.report.ReportGenerator;
import dev.matting.bench.report.ResultFiles;
import dev.matting.bench.samples.SampleGenerator;
import dev.matting.bench.table.RowResult;
import dev.matting.bench.table.TableRunner;
import dev.matting.bench.telemetry.Telemetry;
import dev.matting.common.MattingException;
import dev.matting.model.ModelSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runnable entry point: the sample demo, the comparison table and the report by default; the JMH suite with
 * {@code --full} or {@code --jmh}. See {@link CliOptions#USAGE}. {@code matte ...} runs the command for people
 * ({@link dev.matting.bench.matte.MatteCommand}) instead.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("matte")) {
            dev.matting.bench.matte.MatteCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int code;
        try {
            code = run(CliOptions.parse(args), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs what the options ask for; returns the process exit code. */
    public static int run(CliOptions o, PrintStream log) {
        if (o.help()) {
            log.print(CliOptions.USAGE);
            return 0;
        }
        // charts and contact sheets render off-screen; the SDK never reaches a model hub
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (o.generateSamples().isPresent()) {
            SampleGenerator.main(new String[] {o.generateSamples().get().toString()});
            return 0;
        }
        Path out = o.out();
        if (o.reportOnly()) {
            if (java.nio.file.Files.isDirectory(out.resolve("jmh"))) {
                JmhSuite.merge(out.resolve("jmh"), JmhSuite.resultsFile(out));
            }
            printReport(ReportGenerator.generate(out, o.baseline()), log);
            return 0;
        }
        long start = System.nanoTime();
        Telemetry telemetry = Telemetry.detect();
        // The sample photos always run the embedded default (U²-Netp): real cut-outs. The table and the JMH suite run
        // --model (the tiny U-Net by default; base is the cost class of the original tool's model).
        ModelSpec sampleSpec = null;
        try {
            sampleSpec = ModelSpec.bundled();
            log.println("sample model: " + sampleSpec.name() + " (embedded, " + sampleSpec.directory() + ")");
        } catch (MattingException e) {
            log.println("embedded model unavailable: " + e.getMessage());
        }
        ModelSpec spec = null;
        try {
            spec = ModelRef.resolve(o.model());
            log.println("table model: " + spec.name() + " (" + spec.directory() + ")");
        } catch (MattingException e) {
            log.println("model unavailable: " + e.getMessage());
        }
        Map<String, String> engines = new LinkedHashMap<>();
        List<Combo> sampleCombos = runnable(sampleSpec, o, engines, log);
        List<Combo> runnable = runnable(spec, o, engines, log);
        log.println("runnable: " + runnable);
        ResultFiles.writeEnvironment(out, Environment.capture(telemetry, engines));
        if (o.jmhArgs().isPresent()) {
            JmhSuite.run(o.jmhArgs().get(), o.model(), runnable, o.quick(), out, log);
            printReport(ReportGenerator.generate(out, o.baseline()), log);
            return 0;
        }
        if (runnable.isEmpty() && sampleCombos.isEmpty()) {
            log.println("no backend can run here: install matting-djl (pytorch) or matting-onnx (onnxruntime) natives");
            return 1;
        }

        List<SampleRun.Timing> timings = sampleSpec == null ? List.of()
                : SampleRun.run(sampleSpec, sampleCombos, SampleRun.sources(o.samples(), o.quick()), out, log);
        log.println();
        log.printf(Locale.ROOT, "%-12s %-6s %-9s %12s %14s  %s%n", "backend", "device", "precision", "ms/image",
                "mean |da| vs 1st", "engine");
        for (SampleRun.Timing t : timings) {
            log.printf(Locale.ROOT, "%-12s %-6s %-9s %12s %14s  %s%n", t.combo().backend(), t.combo().deviceParam(),
                    t.combo().precisionParam(), t.error().isPresent() ? "failed" : String.format(Locale.ROOT, "%.1f", t.msPerImage()),
                    Double.isNaN(t.meanAbsAlphaDiff()) ? "-" : String.format(Locale.ROOT, "%.2f", t.meanAbsAlphaDiff()),
                    t.error().orElse(t.engine()));
        }
        log.println("cut-outs in " + out.resolve("cutouts") + ", contact sheet " + out.resolve("contact-sheet.png"));
        log.println();

        TableRunner.Config cfg = new TableRunner.Config(o.model(), o.resolution(), o.quick() ? Math.min(2, o.images()) : o.images(),
                o.batch(), o.quick() ? Math.min(2, o.clients()) : o.clients(), o.emulatedCardBytes(), o.backends(),
                true, true, o.ballast());
        List<RowResult> rows = new TableRunner(telemetry, log).run(cfg, runnable);
        ResultFiles.writeTable(out, new ResultFiles.TableFile(ModelRef.label(o.model()), cfg.resolution().toString(),
                cfg.images(), cfg.batch(), cfg.clients(), cfg.vramBudgetBytes(), rows));
        printTable(rows, log);
        if (runnable.stream().noneMatch(c -> c.device().isGpu())) {
            log.println("note: GPU rows need a CUDA machine; the same command runs them there (see README).");
        }

        if (o.full()) {
            JmhSuite.run(List.of(), o.model(), runnable, o.quick(), out, log);
        }
        printReport(ReportGenerator.generate(out, o.baseline()), log);
        log.printf(Locale.ROOT, "done in %.0f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** The combinations of installed backends that run {@code spec} here and pass the --backend/--device filters. */
    private static List<Combo> runnable(ModelSpec spec, CliOptions o, Map<String, String> engines, PrintStream log) {
        List<Combo> out = new ArrayList<>();
        if (spec == null) {
            return out;
        }
        for (Combos.Candidate c : Combos.discover(spec, true)) {
            if (!o.selects(c.combo())) {
                continue;
            }
            if (c.runnable()) {
                out.add(c.combo());
                engines.putIfAbsent(c.combo().backend(), c.engine());
            } else {
                log.println("skip " + spec.name() + " " + c.combo() + ": " + c.skipReason().orElse(""));
            }
        }
        return out;
    }

    private static void printTable(List<RowResult> rows, PrintStream log) {
        log.println();
        log.printf(Locale.ROOT, "%-56s %-12s %10s %9s %10s  %s%n", "row", "backend", "ms/image", "images/s", "peak GPU", "status");
        for (RowResult r : rows) {
            log.printf(Locale.ROOT, "%-56s %-12s %10s %9s %10s  %s%n", r.label(), r.backend(),
                    r.msPerImage() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.msPerImage()),
                    r.imagesPerSecond() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.imagesPerSecond()),
                    r.peakGpuMemoryBytes() == null ? "-" : String.format(Locale.ROOT, "%.2f GB", r.peakGpuMemoryBytes() / 1e9),
                    r.status());
        }
        log.println();
    }

    private static void printReport(ReportGenerator.Report r, PrintStream log) {
        log.println("report: " + r.markdown() + (r.charts().isEmpty() ? "" : ", charts: " + r.charts()) + " ("
                + r.tableRows() + " table rows, " + r.jmhRows() + " JMH results)");
        r.warnings().forEach(w -> log.println("warning: " + w));
    }
}
