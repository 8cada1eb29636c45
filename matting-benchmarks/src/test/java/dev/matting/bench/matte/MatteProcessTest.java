package dev.matting.bench.matte;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a separate JVM, as people run it: killed with SIGKILL half-way and run again, and watching a folder
 * that files are written into slowly, then stopped with SIGTERM (what Ctrl-C's hook also handles).
 */
@Timeout(600)
class MatteProcessTest {
    @TempDir
    Path dir;

    private Process start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), "dev.matting.bench.Main", "matte"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(false).redirectOutput(log.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    private static List<Path> outputs(Path out, String suffix) throws Exception {
        if (!Files.exists(out)) {
            return List.of();
        }
        while (true) {
            try (Stream<Path> s = Files.walk(out)) {
                return s.filter(p -> p.getFileName().toString().endsWith(suffix)
                        && !p.getFileName().toString().startsWith(".")).toList();
            } catch (java.io.UncheckedIOException e) {
                // the running command renamed a temporary file between the walk listing it and reading it: look again
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
            }
        }
    }

    private static void awaitCount(Path out, int n, Process p, Path stderr) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (outputs(out, ".png").size() < n) {
            if (!p.isAlive()) {
                throw new AssertionError("the command ended early: " + Files.readString(stderr));
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + outputs(out, ".png").size() + " outputs");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void killedHalfWayAndRunAgainRedoesNothingAndLeavesNoPartialFile() throws Exception {
        int n = 400;
        Path in = dir.resolve("in");
        SmallModel.writePictures(in, n, 96, 72);
        Path model = SmallModel.folder(dir);
        Path out = dir.resolve("out");
        Path report = dir.resolve("report.jsonl");
        String[] args = {in.toString(), "-o", out.toString(), "--model", model.toString(), "--backend", "pytorch",
            "--report", report.toString(), "--max-in-flight", "6", "--no-progress"};
        Process p = start(dir.resolve("stdout1.txt"), args);
        awaitCount(out, 40, p, dir.resolve("stderr.txt"));
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<Path> before = outputs(out, ".png");
        assertTrue(before.size() < n, "the run finished before it was killed; make it longer");
        for (Path f : before) {
            BufferedImage img = ImageIO.read(f.toFile());
            assertEquals(96, img.getWidth(), "a partial file under a final name: " + f);
            assertEquals(72, img.getHeight());
        }
        List<JsonObject> firstLines = lines(report);
        assertTrue(firstLines.stream().filter(l -> l.get("status").getAsString().equals("ok"))
                .allMatch(l -> Files.exists(Path.of(l.get("output").getAsString()))));

        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code = MatteCommand.run(args, new java.io.PrintStream(o, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(OutputStream.nullOutputStream()));
        String summary = o.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, summary);
        assertTrue(summary.startsWith("finished: " + (n - before.size()) + " done, 0 failed, " + before.size()
                + " skipped"), summary);
        assertEquals(n, outputs(out, ".png").size());
        assertEquals(List.of(), outputs(out, ".part"), "stale temporary files are cleaned up");
        for (Path f : outputs(out, ".png")) {
            assertEquals(96, ImageIO.read(f.toFile()).getWidth(), f.toString());
        }
        Map<String, Long> okPerInput = lines(report).stream().filter(l -> l.get("status").getAsString().equals("ok"))
                .collect(Collectors.groupingBy(l -> l.get("input").getAsString(), Collectors.counting()));
        assertTrue(okPerInput.values().stream().allMatch(c -> c == 1), "an input was matted twice");
        assertEquals(n - before.size(), lines(report).stream().skip(firstLines.size())
                .filter(l -> l.get("status").getAsString().equals("ok")).count());
    }

    @Test
    void watchTakesSlowlyWrittenFilesOnceAndStopsCleanlyOnSigterm() throws Exception {
        Path in = dir.resolve("in");
        SmallModel.writePictures(in, 2, 64, 48);
        Path out = dir.resolve("out");
        Path report = dir.resolve("report.jsonl");
        Path stdout = dir.resolve("stdout.txt");
        Process p = start(stdout, in.toString(), "-o", out.toString(), "--model", SmallModel.folder(dir).toString(),
                "--backend", "pytorch", "--watch", "--quiet-ms", "300", "--report", report.toString());
        awaitCount(out, 2, p, dir.resolve("stderr.txt"));
        for (int i = 0; i < 3; i++) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(SmallModel.picture(i % 2, 80, 60), "png", png);
            byte[] bytes = png.toByteArray();
            Files.createDirectories(in.resolve("new"));
            try (OutputStream w = Files.newOutputStream(in.resolve("new/late" + i + ".png"))) {
                int half = bytes.length / 2;
                w.write(bytes, 0, half);
                w.flush();
                Thread.sleep(900); // longer than the quiet period: only the missing end marker holds it back
                w.write(bytes, half, bytes.length - half);
            }
        }
        awaitCount(out, 5, p, dir.resolve("stderr.txt"));
        Thread.sleep(1000);
        p.destroy(); // SIGTERM: the shutdown hook cancels, the report is closed, the summary printed
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command did not stop");
        assertNotEquals(0, p.exitValue());
        String summary = Files.readString(stdout);
        assertTrue(summary.startsWith("stopped: 5 done, 0 failed, 0 skipped"), summary + Files.readString(
                dir.resolve("stderr.txt")));
        List<JsonObject> lines = lines(report);
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.stream().allMatch(l -> l.get("status").getAsString().equals("ok")), lines.toString());
        assertEquals(5, lines.stream().map(l -> l.get("input").getAsString()).distinct().count());
        assertEquals(80, ImageIO.read(out.resolve("new/late2.png").toFile()).getWidth());
        assertFalse(Files.readString(dir.resolve("stderr.txt")).contains("Exception"),
                Files.readString(dir.resolve("stderr.txt")));
    }

    private static List<JsonObject> lines(Path report) throws Exception {
        return Files.readAllLines(report, StandardCharsets.UTF_8).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }
}
