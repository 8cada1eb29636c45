package dev.matting.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.bench.jmh.JmhSuite;
import dev.matting.bench.table.RowResult;
import dev.matting.bench.table.RowSpec;
import dev.matting.bench.telemetry.Telemetry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a real (engine-free) JMH benchmark, adds a table and a GPU result, and checks the report built from them. */
class ReportGeneratorTest {

    @Test
    void reportFromARealJmhRunATableAndTheBaseline(@TempDir Path out) throws Exception {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path merged = JmhSuite.run(List.of("SceneSynthesisBenchmark", "-p", "size=32"), "tiny", List.of(), true, out,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(1, JmhResults.read(merged).size(), log.toString(StandardCharsets.UTF_8));

        // a GPU result as the suite would write it on a CUDA machine: 16 ms per batch of 8 = 2 ms per image
        Files.writeString(out.resolve("jmh/pytorch-gpu-fp16.json"), """
                [{"benchmark": "dev.matting.bench.jmh.BatchThroughputBenchmark.batched", "mode": "avgt",
                  "params": {"backend": "pytorch", "device": "gpu", "precision": "fp16", "model": "base",
                             "resolution": "1024", "batch": "8"},
                  "primaryMetric": {"score": 16.0, "scoreError": 0.5, "scoreUnit": "ms/op"}}]
                """);
        JmhSuite.merge(out.resolve("jmh"), merged);
        assertEquals(2, JmhResults.read(merged).size());

        List<RowSpec> specs = RowSpec.standard(2, 5);
        RowResult cpu = new RowResult("cpu-fp32", "CPU FP32", "pytorch", "cpu", "fp32", 1, 1, 10, 4100.0, 1000 / 4100.0,
                41.0, null, null, "stable", "PyTorch 2.7.1 on cpu FP32");
        ResultFiles.writeTable(out, new ResultFiles.TableFile("tiny", "1024", 10, 2, 5, 24L << 30, List.of(cpu,
                RowResult.notRun(specs.get(1), "pytorch", "no CUDA device visible"))));
        ResultFiles.writeEnvironment(out, Environment.capture(Telemetry.none(), Map.of("pytorch", "PyTorch 2.7.1")));

        ReportGenerator.Report r = ReportGenerator.generate(out, Optional.of(Path.of("../docs/python-baseline-h100.json")));
        String md = Files.readString(r.markdown());
        assertTrue(md.contains("| CPU FP32 | pytorch | 4,100 |"), md);
        assertTrue(md.contains("2.00x"), "8200 ms (A6000) / 4100 ms");
        assertTrue(md.contains("1.98x"), "8.1 s (A10G) / 4.1 s");
        assertTrue(md.contains("not run: no CUDA device visible"));
        assertTrue(md.contains("NVIDIA H100 80GB HBM3"), "baseline section");
        assertTrue(md.contains("| torchscript fp16 | 8 | 1024 | 3.94 | 3,268 | 2.00 | 1.97x |"), md);
        assertTrue(md.contains("SceneSynthesis.scene"));
        assertTrue(md.contains("Engine pytorch | PyTorch 2.7.1"));
        assertEquals(2, r.charts().size());
        for (Path chart : r.charts()) {
            BufferedImage img = ImageIO.read(chart.toFile());
            assertEquals(1280, img.getWidth(), chart.toString());
        }
        try (Stream<Path> left = Files.walk(out)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no half-written file left");
        }
    }

    @Test
    void schedulerImagesPerSecondAreHeldAgainstTheBestFixedBatchOfTheSameSetup(@TempDir Path out) throws Exception {
        // fixed batches on the GPU: batch 4 at 10 ms (400 images/s), batch 8 at 16 ms (500 images/s, the best);
        // batch 8 at another resolution is not comparable; the scheduler did 460 images/s with 16 callers
        String fixed = """
                {"benchmark": "dev.matting.bench.jmh.BatchThroughputBenchmark.batched", "mode": "avgt",
                  "params": {"backend": "pytorch", "device": "gpu", "precision": "fp16", "model": "tiny",
                             "resolution": "%s", "batch": "%s"},
                  "primaryMetric": {"score": %s, "scoreError": 0.1, "scoreUnit": "ms/op"}}""";
        String sched = """
                {"benchmark": "dev.matting.bench.jmh.SchedulerThroughputBenchmark.submit", "mode": "thrpt", "threads": 16,
                  "params": {"backend": "pytorch", "device": "gpu", "precision": "fp16", "model": "tiny",
                             "resolution": "%s", "maxBatch": "8", "maxDelayMs": "5"},
                  "primaryMetric": {"score": %s, "scoreError": 5, "scoreUnit": "ops/s"}}""";
        Files.createDirectories(out.resolve("jmh"));
        Files.writeString(out.resolve("jmh/pytorch-gpu-fp16.json"), "[" + String.join(",",
                fixed.formatted("1024", "4", "10.0"), fixed.formatted("1024", "8", "16.0"),
                fixed.formatted("512", "8", "4.0"), sched.formatted("1024", "460.0"), sched.formatted("1920x1080", "100.0"))
                + "]");
        JmhSuite.merge(out.resolve("jmh"), JmhSuite.resultsFile(out));

        List<ReportGenerator.SchedulerRatio> ratios = ReportGenerator.schedulerRatios(JmhResults.read(JmhSuite.resultsFile(out)));
        assertEquals(2, ratios.size());
        ReportGenerator.SchedulerRatio r1024 = ratios.stream().filter(r -> r.scheduler().param("resolution").equals("1024"))
                .findFirst().orElseThrow();
        assertEquals("8", r1024.bestFixed().orElseThrow().param("batch"));
        assertEquals(460.0 / 500.0, r1024.ratio(), 1e-9);
        assertTrue(r1024.meetsTarget());
        ReportGenerator.SchedulerRatio r1080 = ratios.stream().filter(r -> r != r1024).findFirst().orElseThrow();
        assertTrue(r1080.bestFixed().isEmpty() && Double.isNaN(r1080.ratio()) && !r1080.meetsTarget());

        String md = Files.readString(ReportGenerator.generate(out, Optional.empty()).markdown());
        assertTrue(md.contains("| pytorch | gpu | fp16 | tiny | 1024 | 16 | 460 | 8 | 500 | 0.92 | met (>= 0.90) |"), md);
        assertTrue(md.contains("| 1920x1080 | 16 | 100 | - | - | - | no fixed-batch result |"), md);
    }
}
