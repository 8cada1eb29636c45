package dev.matting.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.matting.common.Device;
import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import dev.matting.image.ImageDecoder;
import dev.matting.testing.FakeBatchBackend;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Folder jobs: layout, names, resume, stale temporaries, the report. Over a fake backend; see also the CLI tests. */
@Timeout(120)
class FolderJobTest {
    @TempDir
    Path dir;

    static void image(Path file, int w, int h) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 0x40);
            }
        }
        String ext = FolderLayout.extension(file.getFileName().toString());
        ImageIO.write(img, ext.equals("jpg") ? "jpeg" : ext, file.toFile());
    }

    static Set<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static List<JsonObject> report(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
    }

    private Path tree() throws IOException {
        Path in = dir.resolve("in");
        image(in.resolve("a.jpg"), 30, 20);
        image(in.resolve("a.png"), 31, 20);
        image(in.resolve("b.JPG"), 32, 20);
        image(in.resolve("sub/c.png"), 33, 21);
        image(in.resolve("sub/deep/d.bmp"), 34, 22);
        image(in.resolve(".hidden.png"), 10, 10);
        image(in.resolve(".git/x.png"), 10, 10);
        Files.writeString(in.resolve("notes.txt"), "not an image");
        return in;
    }

    @Test
    void mirrorsTheLayoutAndNamesOutputsWithoutCollisions() throws IOException {
        Path in = tree();
        Path out = dir.resolve("out");
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchSummary s = BatchJob.builder(matter).folder(in, out).build().run();
            assertEquals(5, s.succeeded(), s.toString());
        }
        assertEquals(new TreeSet<>(List.of("a.jpg.png", "a.png.png", "b.png", "sub/c.png", "sub/deep/d.png")), files(out));
        BufferedImage c = ImageIO.read(out.resolve("sub/c.png").toFile());
        assertEquals(33, c.getWidth());
        assertEquals(21, c.getHeight());
        assertTrue(c.getColorModel().hasAlpha(), "the default output is an RGBA cut-out");
    }

    @Test
    void jpegOutputsAreNamedJpgAndHaveNoAlpha() throws IOException {
        Path in = tree();
        Path out = dir.resolve("out");
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchJob.builder(matter).folder(in, out).options(MatteOptions.of(Output.jpeg().withQuality(0.8f))).build().run();
        }
        assertEquals(new TreeSet<>(List.of("a.jpg.jpg", "a.png.jpg", "b.jpg", "sub/c.jpg", "sub/deep/d.jpg")), files(out));
        BufferedImage d = ImageIO.read(out.resolve("sub/deep/d.jpg").toFile());
        assertEquals(34, d.getWidth());
        assertFalse(d.getColorModel().hasAlpha());
    }

    @Test
    void anOutputFolderInsideTheInputIsLeftOutAndTheSameFolderIsRefused() throws IOException {
        Path in = tree();
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchJob.builder(matter).folder(in, in.resolve("cutouts")).build().run();
            assertEquals(5, files(in.resolve("cutouts")).size());
            // a second run must not take the first run's outputs as inputs
            BatchSummary again = BatchJob.builder(matter).folder(in, in.resolve("cutouts")).build().run();
            assertEquals(5, again.skipped());
            assertEquals(0, again.succeeded());
            assertThrows(IllegalArgumentException.class, () -> BatchJob.builder(matter).folder(in, in).build());
            assertThrows(IllegalArgumentException.class,
                    () -> BatchJob.builder(matter).folder(dir.resolve("missing"), dir.resolve("o")).build());
        }
    }

    @Test
    void theReportHasOneWholeLinePerInputWithStatusReasonAndTime() throws IOException {
        Path in = tree();
        Files.write(in.resolve("sub/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        Path out = dir.resolve("out");
        Path report = dir.resolve("logs/report.jsonl");
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchSummary s = BatchJob.builder(matter).folder(in, out).report(report).build().run();
            assertEquals(5, s.succeeded());
            assertEquals(1, s.failed());
        }
        List<JsonObject> lines = report(report);
        assertEquals(6, lines.size());
        Map<String, JsonObject> byInput = new HashMap<>();
        for (JsonObject l : lines) {
            assertEquals(List.of("input", "output", "status", "reason", "ms"), List.copyOf(l.keySet()));
            byInput.put(in.relativize(Path.of(l.get("input").getAsString())).toString().replace('\\', '/'), l);
        }
        JsonObject broken = byInput.get("sub/broken.png");
        assertEquals("failed", broken.get("status").getAsString());
        assertTrue(broken.get("reason").getAsString().contains("broken.png"), broken.toString());
        assertFalse(Files.exists(out.resolve("sub/broken.png")), "no output for a failed input");
        JsonObject a = byInput.get("a.jpg");
        assertEquals("ok", a.get("status").getAsString());
        assertTrue(a.get("reason").isJsonNull());
        assertEquals(out.resolve("a.jpg.png").toString(), a.get("output").getAsString());
        assertTrue(a.get("ms").getAsLong() >= 0);
    }

    @Test
    void aResumedJobSkipsCompleteOutputsRedoesTheRestAndRemovesStaleTemporaries() throws IOException {
        Path in = tree();
        Path out = dir.resolve("out");
        Path report = dir.resolve("report.jsonl");
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchJob.builder(matter).folder(in, out).report(report).build().run();
            // what a crash leaves: two outputs never written, a temporary file of an atomic write, a torn report line
            Files.delete(out.resolve("b.png"));
            Files.delete(out.resolve("sub/deep/d.png"));
            Path stale = out.resolve("sub/deep/.d.png8214459204551379811.part");
            Files.write(stale, new byte[] {1, 2, 3});
            Files.writeString(report, "{\"input\": \"torn", java.nio.file.StandardOpenOption.APPEND);
            FileTime before = Files.getLastModifiedTime(out.resolve("sub/c.png"));
            BatchSummary s = BatchJob.builder(matter).folder(in, out).report(report).build().run();
            assertEquals(2, s.succeeded());
            assertEquals(3, s.skipped());
            assertFalse(Files.exists(stale), "stale temporary files are removed");
            assertEquals(before, Files.getLastModifiedTime(out.resolve("sub/c.png")), "a complete output is not redone");
        }
        assertEquals(new TreeSet<>(List.of("a.jpg.png", "a.png.png", "b.png", "sub/c.png", "sub/deep/d.png")), files(out));
        List<String> raw = Files.readAllLines(report);
        assertEquals(5 + 1 + 5, raw.size(), "first run, the torn line (ended), the resumed run");
        assertTrue(raw.get(5).startsWith("{\"input\": \"torn"));
        List<JsonObject> resumed = raw.subList(6, 11).stream().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(Map.of("ok", 2L, "skipped", 3L), resumed.stream()
                .collect(Collectors.groupingBy(l -> l.get("status").getAsString(), Collectors.counting())));
        resumed.stream().filter(l -> l.get("status").getAsString().equals("skipped"))
                .forEach(l -> assertEquals("output exists", l.get("reason").getAsString()));
    }

    @Test
    void aJobCancelledHalfWayResumesWithoutRedoingOrLosingAnything() throws Exception {
        Path in = dir.resolve("in");
        for (int i = 0; i < 60; i++) {
            image(in.resolve(String.format("g%02d/p%03d.png", i % 4, i)), 20 + i % 9, 16);
        }
        Path out = dir.resolve("out");
        Path report = dir.resolve("report.jsonl");
        FakeBatchBackend slow = FakeBatchBackend.builder(Device.cpu()).measurable(false).latency(Duration.ofMillis(15))
                .build();
        AtomicLong okSoFar = new AtomicLong();
        try (Matter matter = FakeMatters.rig(slow).matter()) {
            BatchRun run = BatchJob.builder(matter).folder(in, out).report(report).maxInFlight(6)
                    .listener(p -> okSoFar.set(p.succeeded())).build().start();
            while (okSoFar.get() < 20) {
                Thread.sleep(2);
            }
            run.cancel();
            BatchSummary first = run.await();
            assertTrue(first.wasCancelled());
            assertTrue(first.succeeded() >= 20 && first.succeeded() < 60, first.toString());
            BatchSummary second = BatchJob.builder(matter).folder(in, out).report(report).build().run();
            assertEquals(first.succeeded(), second.skipped(), "everything written before the cancel is kept");
            assertEquals(60 - first.succeeded(), second.succeeded());
        }
        assertEquals(60, files(out).size());
        for (String f : files(out)) {
            assertFalse(f.contains(".part"), f);
            assertTrue(ImageIO.read(out.resolve(f).toFile()).getWidth() >= 20, "a whole, decodable output: " + f);
        }
        Map<String, Long> okPerInput = report(report).stream().filter(l -> l.get("status").getAsString().equals("ok"))
                .collect(Collectors.groupingBy(l -> l.get("input").getAsString(), Collectors.counting()));
        assertEquals(60, okPerInput.size());
        assertTrue(okPerInput.values().stream().allMatch(n -> n == 1), "no input was matted twice: " + okPerInput);
    }

    @Test
    void webpFilesAreInputs() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        // made with cwebp from a 40x30 disc picture: one lossless, one lossy (VP8L and VP8 decoders)
        for (String name : new String[] {"disc-40x30.webp", "disc-40x30-lossy.webp"}) {
            try (var res = getClass().getResourceAsStream("/webp/" + name)) {
                Files.copy(res, in.resolve(name));
            }
        }
        RgbImage lossless = ImageDecoder.decode(ImageSource.of(in.resolve("disc-40x30.webp")));
        assertEquals(40, lossless.width());
        assertEquals(0xe0c0a0, lossless.rgbAt(20, 15), "lossless WebP decodes exactly");
        Path out = dir.resolve("out");
        try (Matter matter = FakeMatters.rig().matter()) {
            assertEquals(2, BatchJob.builder(matter).folder(in, out).build().run().succeeded());
        }
        assertEquals(new TreeSet<>(List.of("disc-40x30-lossy.png", "disc-40x30.png")), files(out));
        assertEquals(30, ImageIO.read(out.resolve("disc-40x30-lossy.png").toFile()).getHeight());
    }

    @Test
    void filesGivenDirectlyGoIntoTheOutputFolderAndNameCollisionsFail() throws IOException {
        image(dir.resolve("x/one.jpg"), 20, 20);
        image(dir.resolve("y/one.png"), 21, 20);
        image(dir.resolve("y/two.gif"), 22, 20);
        Path out = dir.resolve("out");
        Map<String, BatchItem> items = new java.util.concurrent.ConcurrentHashMap<>();
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchSummary s = BatchJob.builder(matter)
                    .paths(List.of(dir.resolve("x/one.jpg"), dir.resolve("y/one.png"), dir.resolve("y/two.gif")), out)
                    .sink(i -> items.put(i.source().name(), i)).build().run();
            assertEquals(2, s.succeeded());
            assertEquals(1, s.failed());
        }
        assertEquals(new TreeSet<>(List.of("one.png", "two.png")), files(out));
        BatchItem clash = items.get(dir.resolve("y/one.png").toAbsolutePath().toString());
        assertEquals(BatchItem.Status.FAILED, clash.status());
        assertTrue(clash.reason().contains("rename"), clash.reason());
        assertNull(items.get(dir.resolve("x/one.jpg").toAbsolutePath().toString()).error());
    }
}
