package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.matting.bench.jmh.JmhSuite;
import dev.matting.bench.report.JmhResults;
import dev.matting.bench.report.ReportGenerator;
import dev.matting.bench.report.ResultFiles;
import dev.matting.bench.table.RowResult;
import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.model.ModelSpec;
import dev.matting.spi.BackendSelector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI smoke over real inference: a fork-less JMH run (one short warm-up and measurement iteration, tiny model, CPU
 * FP32, one backend) and the report built from its JSON; then the default run of Main in quick mode. No timing
 * assertions: only that the outputs exist, parse and hold a figure for every benchmark.
 */
class BenchSmokeTest {
    private static Combo combo;

    @BeforeAll
    static void pickBackend() {
        System.setProperty("java.awt.headless", "true");
        // the benchmarks module depends on both backend modules: this holds once they are built
        assumeFalse(BackendSelector.installed().isEmpty(), "no MattingBackend on the class path");
        String name = BackendSelector.installed().get(0).name();
        combo = new Combo(name, Device.cpu(), Precision.FP32);
    }

    @Test
    void jmhSmokeRunAndReport(@TempDir Path out) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        Path merged = JmhSuite.run(List.of("-p", "resolution=256"), "tiny", List.of(combo), true, out, ps);
        List<JmhResults.Row> rows = JmhResults.read(merged);
        String why = log.toString(StandardCharsets.UTF_8);
        // Latency.single, BatchThroughput.batched, EndToEnd.matteAll, EndToEnd.submit and SchedulerThroughput.submit
        assertEquals(5, rows.size(), why);
        for (JmhResults.Row r : rows) {
            assertEquals(combo.backend(), r.param("backend"));
            assertTrue(r.msPerImage() > 0 && Double.isFinite(r.msPerImage()), r.toString());
        }
        ReportGenerator.Report report = ReportGenerator.generate(out, Optional.empty());
        String md = Files.readString(report.markdown());
        assertTrue(md.contains("Latency.single") && md.contains("EndToEnd.matteAll"), md);
        // 16 callers on the scheduler beside the fixed batch of the same setup
        List<ReportGenerator.SchedulerRatio> ratios = ReportGenerator.schedulerRatios(rows);
        assertEquals(1, ratios.size(), md);
        assertEquals("16", ratios.get(0).scheduler().param("threads"));
        assertTrue(ratios.get(0).bestFixed().isPresent() && ratios.get(0).ratio() > 0, md);
        assertTrue(md.contains("## Scheduler vs the best fixed batch"), md);
        assertNotNull(ImageIO.read(out.resolve("jmh-chart.png").toFile()));
    }

    @Test
    void defaultRunInQuickMode(@TempDir Path out) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int code = Main.run(CliOptions.parse("--quick", "--backend", combo.backend(), "--device", "cpu", "--resolution",
                "256", "--out", out.toString()), new PrintStream(log, true, StandardCharsets.UTF_8));
        String why = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, why);
        Path cutouts = out.resolve("cutouts").resolve(combo.backend() + "-cpu-fp32");
        try (Stream<Path> pngs = Files.list(cutouts)) {
            assertEquals(2, pngs.filter(p -> p.toString().endsWith(".png")).count(), why);
        }
        assertNotNull(ImageIO.read(out.resolve("contact-sheet.png").toFile()));
        List<RowResult> rows = ResultFiles.readTable(out).orElseThrow().rows();
        RowResult cpu = rows.stream().filter(r -> r.id().equals("cpu-fp32")).findFirst().orElseThrow();
        assertTrue(cpu.measured(), cpu.toString());
        assertEquals("stable", cpu.status());
        assertFalse(rows.stream().filter(r -> r.id().startsWith("gpu")).anyMatch(r -> r.status().isEmpty()));
        assertTrue(Files.readString(out.resolve("report.md")).contains("CPU FP32"));
    }
}
