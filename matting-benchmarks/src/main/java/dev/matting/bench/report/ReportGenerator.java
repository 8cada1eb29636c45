package dev.matting.bench.report;

import dev.matting.bench.OutputFiles;
import dev.matting.bench.jmh.JmhSuite;
import dev.matting.bench.table.ReferenceFigures;
import dev.matting.bench.table.RowResult;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an output folder's results (JMH JSON, the comparison table, the environment) into {@code report.md} and
 * bar charts ({@code chart.png} for the table, {@code jmh-chart.png} for JMH), each written atomically. Our figures
 * sit beside the original report's reference figures and, when present, the Python baseline from the same GPU.
 */
public final class ReportGenerator {
    /** Most JMH rows drawn in the chart; the Markdown lists all of them. */
    static final int MAX_CHART_ROWS = 40;

    private ReportGenerator() {
    }

    /** What was written, and what went wrong with the charts (drawn without text, or not drawn). */
    public record Report(Path markdown, List<Path> charts, int jmhRows, int tableRows, List<String> warnings) {
    }

    public static Report generate(Path outDir, Optional<Path> pythonBaseline) {
        return generate(outDir, pythonBaseline, TextDrawer.java2d());
    }

    /**
     * As {@link #generate(Path, Optional)}, drawing chart text with {@code fonts}. When text cannot be drawn (no
     * fonts on a bare server) the charts are still written, without text, and the report says why; a chart that
     * cannot be drawn at all is listed as such. The Markdown, which holds every figure, is always written.
     */
    static Report generate(Path outDir, Optional<Path> pythonBaseline, TextDrawer fonts) {
        List<JmhResults.Row> jmh = JmhResults.read(JmhSuite.resultsFile(outDir));
        Optional<ResultFiles.TableFile> table = ResultFiles.readTable(outDir);
        Environment env = ResultFiles.readEnvironment(outDir)
                .orElseGet(() -> Environment.capture(dev.matting.bench.telemetry.Telemetry.none(), Map.of()));
        Optional<PythonBaseline> baseline = PythonBaseline.find(pythonBaseline);

        List<Path> charts = new ArrayList<>();
        List<String> chartErrors = new ArrayList<>();
        table.filter(t -> !t.rows().isEmpty()).ifPresent(t -> chart(outDir.resolve("chart.png"),
                text -> tableChart(t, text), fonts, charts, chartErrors));
        if (!jmh.isEmpty()) {
            chart(outDir.resolve("jmh-chart.png"), text -> jmhChart(jmh, text), fonts, charts, chartErrors);
        }
        String md = markdown(env, table, jmh, baseline, charts, chartErrors);
        Path mdPath = outDir.resolve("report.md");
        OutputFiles.writeString(mdPath, md);
        return new Report(mdPath, List.copyOf(charts), jmh.size(), table.map(t -> t.rows().size()).orElse(0),
                List.copyOf(chartErrors));
    }

    /** Draws and writes one chart; text failures leave a chart without text, other failures no chart. */
    private static void chart(Path file, java.util.function.Function<TextDrawer, java.awt.image.BufferedImage> draw,
            TextDrawer fonts, List<Path> charts, List<String> errors) {
        TextDrawer text = TextDrawer.failSafe(fonts);
        try {
            OutputFiles.writePng(file, draw.apply(text));
            charts.add(file);
            text.failure().ifPresent(f -> errors.add(file.getFileName() + " drawn without text (no usable fonts?): " + f));
        } catch (RuntimeException | LinkageError e) {
            errors.add(file.getFileName() + " not drawn: " + e);
        }
    }

    static String markdown(Environment env, Optional<ResultFiles.TableFile> table, List<JmhResults.Row> jmh,
            Optional<PythonBaseline> baseline, List<Path> charts, List<String> chartErrors) {
        StringBuilder sb = new StringBuilder();
        sb.append("# dev.matting benchmark report\n\n");
        sb.append("Generated ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(".\n\n");
        sb.append("## Environment\n\n| | |\n|---|---|\n");
        env.entries().forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
        sb.append('\n');
        table.ifPresent(t -> tableSection(sb, t));
        baseline.ifPresent(b -> baselineSection(sb, b, jmh));
        if (!jmh.isEmpty()) {
            schedulerSection(sb, jmh);
            jmhSection(sb, jmh);
        }
        if (!charts.isEmpty() || !chartErrors.isEmpty()) {
            sb.append("## Charts\n\n");
            for (Path c : charts) {
                sb.append("![").append(c.getFileName()).append("](").append(c.getFileName()).append(")\n\n");
            }
            chartErrors.forEach(e -> sb.append("- ").append(cell(e)).append('\n'));
        }
        return sb.toString();
    }

    private static void tableSection(StringBuilder sb, ResultFiles.TableFile t) {
        sb.append("## Comparison table\n\n");
        sb.append(String.format(Locale.ROOT, "Model `%s`, input %s, %d images per client (JPEG decode -> matte -> RGBA PNG "
                + "encode), batch %d, %d clients in the concurrency rows on an emulated %d GiB card: the scheduler's memory "
                + "cap and, on a larger GPU, a ballast that occupies the rest while the row runs (unless --no-ballast; "
                + "the engine column says which). The naive row runs one model copy per client with a fixed batch and no "
                + "scheduler; the scheduler row runs one Matter with micro-batches sized from free memory. ms/image is "
                + "wall time over all images (all clients together in the concurrency rows); peak GPU memory leaves the "
                + "ballast out.%n%n", t.model(), t.resolution(),
                t.imagesPerClient(), t.batch(), t.clients(), t.vramBudgetBytes() >> 30));
        sb.append("| Row | Backend | ms/image | images/s | s / 10 images | Peak GPU memory | Mean GPU util | Status "
                + "| A6000 ms/image | A6000 memory | Speed-up vs A6000 | A10G s/image | A10G s / 10 | A10G util | A10G status "
                + "| Speed-up vs A10G |\n");
        sb.append("|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|---|--:|\n");
        for (RowResult r : t.rows()) {
            Optional<ReferenceFigures.A6000> a = ReferenceFigures.a6000(r.id());
            Optional<ReferenceFigures.A10G> g = ReferenceFigures.a10g(r.id());
            sb.append("| ").append(cell(r.label())).append(" | ").append(cell(r.backend()))
                    .append(" | ").append(num(r.msPerImage()))
                    .append(" | ").append(num(r.imagesPerSecond()))
                    .append(" | ").append(num(r.secondsPer10Images()))
                    .append(" | ").append(r.peakGpuMemoryBytes() == null ? "-" : String.format(Locale.ROOT, "%.2f GB", r.peakGpuMemoryBytes() / 1e9))
                    .append(" | ").append(r.meanGpuUtilisationPercent() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", r.meanGpuUtilisationPercent()))
                    .append(" | ").append(cell(r.status()))
                    .append(" | ").append(a.map(x -> num(x.msPerImage())).orElse(""))
                    .append(" | ").append(a.map(x -> x.memoryGb() + " GB").orElse(""))
                    .append(" | ").append(a.map(x -> ratio(x.msPerImage(), r.msPerImage())).orElse(""))
                    .append(" | ").append(g.map(x -> x.secondsPerImage() == null ? "" : num(x.secondsPerImage())).orElse(""))
                    .append(" | ").append(g.map(x -> x.secondsPer10() == null ? "" : num(x.secondsPer10())).orElse(""))
                    .append(" | ").append(g.map(ReferenceFigures.A10G::utilisation).orElse(""))
                    .append(" | ").append(g.map(ReferenceFigures.A10G::stability).orElse(""))
                    .append(" | ").append(g.map(x -> x.secondsPerImage() == null ? "" : ratio(x.secondsPerImage() * 1000, r.msPerImage())).orElse(""))
                    .append(" |\n");
        }
        sb.append("\nReference columns are the original report's Python service (its own model, other GPUs); a speed-up "
                + "is reference time / our time, so it compares whole setups, not code alone. GPU memory is device-wide "
                + "(CUDA context included).\n\n");
    }

    private static void baselineSection(StringBuilder sb, PythonBaseline b, List<JmhResults.Row> jmh) {
        sb.append("## Beside the Python baseline (").append(cell(b.gpu())).append(", torch ").append(cell(b.torch())).append(")\n\n");
        sb.append("Our column is the JMH backend benchmark (`BatchBackend.run`, no decode/encode) with the same batch, "
                + "input size and precision on `device=gpu`; empty until the suite has run on a CUDA machine.\n\n");
        sb.append("| Python setting | Batch | Size | Python ms/image | Python peak MiB | Java pytorch ms/image "
                + "| Python / Java | Java onnxruntime ms/image | Python / Java (ORT) | Java model |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        for (PythonBaseline.Row r : b.rows()) {
            Optional<JmhResults.Row> pt = match(jmh, "pytorch", r);
            Optional<JmhResults.Row> ort = match(jmh, "onnxruntime", r);
            sb.append("| ").append(cell(r.setting())).append(" | ").append(r.batch()).append(" | ").append(r.size())
                    .append(" | ").append(num(r.msPerImage())).append(" | ").append(num(r.peakMiB()))
                    .append(" | ").append(pt.map(x -> num(x.msPerImage())).orElse("-"))
                    .append(" | ").append(pt.map(x -> ratio(r.msPerImage(), x.msPerImage())).orElse("-"))
                    .append(" | ").append(ort.map(x -> num(x.msPerImage())).orElse("-"))
                    .append(" | ").append(ort.map(x -> ratio(r.msPerImage(), x.msPerImage())).orElse("-"))
                    .append(" | ").append(pt.or(() -> ort).map(x -> x.param("model")).orElse(""))
                    .append(" |\n");
        }
        sb.append('\n');
    }

    /** The JMH backend result with the baseline row's batch, size and precision on the GPU, if measured. */
    static Optional<JmhResults.Row> match(List<JmhResults.Row> jmh, String backend, PythonBaseline.Row r) {
        return jmh.stream()
                .filter(j -> j.param("backend").equals(backend) && j.param("device").startsWith("gpu")
                        && j.param("precision").equals(r.precision()) && j.param("resolution").equals(Integer.toString(r.size())))
                .filter(j -> j.simpleBenchmark().equals("BatchThroughputBenchmark") ? j.param("batch").equals(Integer.toString(r.batch()))
                        : j.simpleBenchmark().equals("LatencyBenchmark") && r.batch() == 1)
                .min(Comparator.comparingDouble(JmhResults.Row::msPerImage));
    }

    /** The scheduler target: images/s with concurrent callers at least this share of the best fixed batch's. */
    public static final double SCHEDULER_TARGET = 0.90;

    /**
     * One scheduler result beside the best fixed batch of the same backend, device, precision, model and resolution.
     *
     * @param bestFixed the {@code BatchThroughputBenchmark} row with the most images/s, empty when none was measured
     */
    public record SchedulerRatio(JmhResults.Row scheduler, Optional<JmhResults.Row> bestFixed) {
        /** Scheduler images/s over best fixed-batch images/s; NaN without a fixed-batch result. */
        public double ratio() {
            return bestFixed.map(b -> scheduler.imagesPerSecond() / b.imagesPerSecond()).orElse(Double.NaN);
        }

        public boolean meetsTarget() {
            return ratio() >= SCHEDULER_TARGET;
        }
    }

    private static final List<String> SETUP_PARAMS = List.of("backend", "device", "precision", "model", "resolution");

    /** Every {@code SchedulerThroughputBenchmark} result with its best fixed batch. */
    public static List<SchedulerRatio> schedulerRatios(List<JmhResults.Row> jmh) {
        List<SchedulerRatio> out = new ArrayList<>();
        for (JmhResults.Row s : sorted(jmh)) {
            if (!s.simpleBenchmark().equals("SchedulerThroughputBenchmark")) {
                continue;
            }
            Optional<JmhResults.Row> best = jmh.stream()
                    .filter(b -> b.simpleBenchmark().equals("BatchThroughputBenchmark"))
                    .filter(b -> SETUP_PARAMS.stream().allMatch(p -> b.param(p).equals(s.param(p))))
                    .max(Comparator.comparingDouble(JmhResults.Row::imagesPerSecond));
            out.add(new SchedulerRatio(s, best));
        }
        return out;
    }

    private static void schedulerSection(StringBuilder sb, List<JmhResults.Row> jmh) {
        List<SchedulerRatio> ratios = schedulerRatios(jmh);
        if (ratios.isEmpty()) {
            return;
        }
        sb.append("## Scheduler vs the best fixed batch\n\n");
        sb.append(String.format(Locale.ROOT, "Target: with concurrent callers each submitting one preprocessed image to "
                + "one `MattingScheduler` and waiting for it, at least %.2f of the images/s of the best fixed batch size "
                + "(`BatchThroughput`, same backend, device, precision, model and resolution). Both are forward passes "
                + "only, no decode or encode.%n%n", SCHEDULER_TARGET));
        sb.append("| Backend | Device | Precision | Model | Resolution | Callers | Scheduler images/s | Best fixed batch "
                + "| Fixed images/s | Ratio | Target |\n");
        sb.append("|---|---|---|---|---|--:|--:|--:|--:|--:|---|\n");
        for (SchedulerRatio r : ratios) {
            JmhResults.Row s = r.scheduler();
            sb.append("| ").append(cell(s.param("backend"))).append(" | ").append(cell(s.param("device")))
                    .append(" | ").append(cell(s.param("precision"))).append(" | ").append(cell(s.param("model")))
                    .append(" | ").append(cell(s.param("resolution")))
                    .append(" | ").append(s.param("threads").isEmpty() ? "1" : cell(s.param("threads")))
                    .append(s.param("lanes").isEmpty() || s.param("lanes").equals("1") ? ""
                            : " (" + cell(s.param("lanes")) + " lanes)")
                    .append(" | ").append(num(s.imagesPerSecond()))
                    .append(" | ").append(r.bestFixed().map(b -> b.param("batch")).orElse("-"))
                    .append(" | ").append(r.bestFixed().map(b -> num(b.imagesPerSecond())).orElse("-"))
                    .append(" | ").append(r.bestFixed().isPresent() ? String.format(Locale.ROOT, "%.2f", r.ratio()) : "-")
                    .append(" | ").append(r.bestFixed().isEmpty() ? "no fixed-batch result"
                            : (r.meetsTarget() ? "met" : "below") + String.format(Locale.ROOT, " (>= %.2f)", SCHEDULER_TARGET))
                    .append(" |\n");
        }
        sb.append('\n');
    }

    private static void jmhSection(StringBuilder sb, List<JmhResults.Row> jmh) {
        sb.append("## JMH results\n\n");
        sb.append("Latency = one `BatchBackend.run` of one input; BatchThroughput = one run of `batch` inputs; EndToEnd = "
                + "`images` JPEGs decoded, matted and encoded as PNG through `Matter`; SchedulerThroughput = one image "
                + "submitted to a `MattingScheduler` by each of `threads` concurrent callers (ms/image and images/s over "
                + "all callers together).\n\n");
        sb.append("| Benchmark | Backend | Device | Precision | Model | Resolution | Batch | Other parameters | Images/op "
                + "| ms/op | ± | ms/image | images/s |\n");
        sb.append("|---|---|---|---|---|---|--:|---|--:|--:|--:|--:|--:|\n");
        for (JmhResults.Row r : sorted(jmh)) {
            sb.append("| ").append(r.simpleBenchmark().replace("Benchmark", "")).append('.').append(r.method())
                    .append(" | ").append(cell(r.param("backend"))).append(" | ").append(cell(r.param("device")))
                    .append(" | ").append(cell(r.param("precision"))).append(" | ").append(cell(r.param("model")))
                    .append(" | ").append(cell(r.param("resolution"))).append(" | ").append(cell(r.param("batch")))
                    .append(" | ").append(cell(otherParams(r)))
                    .append(" | ").append(r.imagesPerOp())
                    .append(" | ").append(num(r.msPerOp()))
                    .append(" | ").append(Double.isNaN(r.scoreError()) ? "" : num(r.scoreError() * r.msPerOp() / r.score()))
                    .append(" | ").append(num(r.msPerImage())).append(" | ").append(num(r.imagesPerSecond())).append(" |\n");
        }
        sb.append('\n');
    }

    private static final java.util.Set<String> NAMED_PARAMS = java.util.Set.of("backend", "device", "precision", "model",
            "resolution", "batch", "images");

    static String otherParams(JmhResults.Row r) {
        return r.params().entrySet().stream().filter(e -> !NAMED_PARAMS.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static List<JmhResults.Row> sorted(List<JmhResults.Row> jmh) {
        return jmh.stream().sorted(Comparator.comparing(JmhResults.Row::benchmark)
                .thenComparing(r -> r.param("backend")).thenComparing(r -> r.param("device"))
                .thenComparing(r -> r.param("precision")).thenComparing(r -> r.param("resolution"))
                .thenComparingInt(r -> parseInt(r.param("batch")))).toList();
    }

    static java.awt.image.BufferedImage tableChart(ResultFiles.TableFile t, TextDrawer text) {
        List<BarChart.Group> groups = new ArrayList<>();
        for (RowResult r : t.rows()) {
            double ours = r.msPerImage() == null ? Double.NaN : r.msPerImage();
            double a6000 = ReferenceFigures.a6000(r.id()).map(ReferenceFigures.A6000::msPerImage).orElse(Double.NaN);
            double a10g = ReferenceFigures.a10g(r.id()).map(x -> x.secondsPerImage() == null ? Double.NaN : x.secondsPerImage() * 1000)
                    .orElse(Double.NaN);
            if (Double.isNaN(ours) && Double.isNaN(a6000) && Double.isNaN(a10g)) {
                continue;
            }
            groups.add(new BarChart.Group(r.label() + (r.backend().isEmpty() ? "" : " - " + r.backend()), new double[] {ours, a6000, a10g}));
        }
        return BarChart.render("Comparison table: time per image (lower is better)", "ms/image",
                List.of("dev.matting (this machine)", "reference RTX A6000", "reference A10G"), groups, true, text);
    }

    static java.awt.image.BufferedImage jmhChart(List<JmhResults.Row> jmh, TextDrawer text) {
        List<BarChart.Group> groups = new ArrayList<>();
        for (JmhResults.Row r : sorted(jmh)) {
            if (groups.size() == MAX_CHART_ROWS) {
                break;
            }
            String label = r.simpleBenchmark().replace("Benchmark", "") + "." + r.method() + "  " + r.param("backend") + " "
                    + r.param("device") + " " + r.param("precision") + " " + r.param("resolution")
                    + (r.param("batch").isEmpty() ? "" : " b" + r.param("batch")) + " " + otherParams(r);
            groups.add(new BarChart.Group(label.replaceAll("\\s+", " ").trim(), new double[] {r.msPerImage()}));
        }
        return BarChart.render("JMH: time per image (lower is better)", "ms/image", List.of("ms/image"), groups, true,
                text);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String ratio(double reference, Double ours) {
        if (ours == null || !(ours > 0) || !(reference > 0)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx", reference / ours);
    }

    static String num(Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return "-";
        }
        return BarChart.format(v);
    }

    /** Makes a value safe inside a Markdown table cell. */
    static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
