package dev.matting.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A watching folder job takes each new file once, only when it is complete, and stops cleanly on cancel. */
@Timeout(180)
class WatchFolderTest {
    private static final Duration QUIET = Duration.ofMillis(250);

    @TempDir
    Path dir;

    private static byte[] png(int w, int h) throws Exception {
        Path tmp = Files.createTempFile("w", ".png");
        FolderJobTest.image(tmp, w, h);
        byte[] b = Files.readAllBytes(tmp);
        Files.delete(tmp);
        return b;
    }

    /** Writes {@code bytes} in three pieces with pauses longer than the quiet period, as a slow upload does. */
    private static void writeSlowly(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            int third = bytes.length / 3;
            out.write(bytes, 0, third);
            out.flush();
            Thread.sleep(QUIET.toMillis() * 2);
            out.write(bytes, third, third);
            out.flush();
            Thread.sleep(QUIET.toMillis() * 2);
            out.write(bytes, 2 * third, bytes.length - 2 * third);
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no output " + file);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void takesEachNewFileOnceWhenCompleteAndStopsOnCancel() throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        Path report = dir.resolve("report.jsonl");
        FolderJobTest.image(in.resolve("already.png"), 24, 16);
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchRun run = BatchJob.builder(matter).folder(in, out).watch(true).quietPeriod(QUIET).report(report)
                    .build().start();
            awaitFile(out.resolve("already.png"));

            byte[] slow = png(40, 30);
            writeSlowly(in.resolve("slow.png"), slow);
            // a new sub-folder, and a file renamed into place the way careful writers do
            Files.createDirectories(in.resolve("new/inner"));
            Path staged = in.resolve("new/inner/.staging.tmp");
            Files.write(staged, png(28, 20));
            Files.move(staged, in.resolve("new/inner/moved.png"), StandardCopyOption.ATOMIC_MOVE);
            // a JPEG written slowly too
            ByteArrayOutputStream jpg = new ByteArrayOutputStream();
            ImageIO.write(ImageIO.read(new java.io.ByteArrayInputStream(png(36, 24))), "jpeg", jpg);
            writeSlowly(in.resolve("new/photo.jpg"), jpg.toByteArray());

            awaitFile(out.resolve("slow.png"));
            awaitFile(out.resolve("new/inner/moved.png"));
            awaitFile(out.resolve("new/photo.png"));
            // touching a done file again must not make it run again
            Files.write(in.resolve("slow.png"), slow);
            Thread.sleep(QUIET.toMillis() * 4);

            run.cancel();
            BatchSummary s = run.await(Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError("did not stop"));
            assertTrue(s.wasCancelled());
            assertEquals(4, s.succeeded(), s.toString());
            assertEquals(0, s.failed(), "a half-written file was taken too early: " + Files.readString(report));
        }
        assertEquals(40, ImageIO.read(out.resolve("slow.png").toFile()).getWidth());
        List<JsonObject> lines = FolderJobTest.report(report);
        Map<String, Long> perInput = lines.stream().collect(Collectors.groupingBy(
                l -> Path.of(l.get("input").getAsString()).getFileName().toString(), Collectors.counting()));
        assertEquals(Map.of("already.png", 1L, "slow.png", 1L, "moved.png", 1L, "photo.jpg", 1L), perInput);
        assertTrue(lines.stream().allMatch(l -> l.get("status").getAsString().equals("ok")), lines.toString());
    }

    @Test
    void aBrokenFileFailsOnceAndIsTakenAgainOnlyWhenItChanges() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Path out = dir.resolve("out");
        Path report = dir.resolve("report.jsonl");
        try (Matter matter = FakeMatters.rig().matter()) {
            BatchRun run = BatchJob.builder(matter).folder(in, out).watch(true).quietPeriod(QUIET).report(report)
                    .build().start();
            // a PNG with its end marker but nothing decodable in between: complete, yet broken
            byte[] bad = new byte[64];
            byte[] sig = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
            System.arraycopy(sig, 0, bad, 0, sig.length);
            byte[] end = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
            System.arraycopy(end, 0, bad, bad.length - end.length, end.length);
            Files.write(in.resolve("bad.png"), bad);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (run.progress().failed() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(QUIET.toMillis() * 4); // more sweeps: it must not be retried unchanged
            assertEquals(1, run.progress().failed());
            Files.write(in.resolve("bad.png"), png(20, 20)); // fixed
            awaitFile(out.resolve("bad.png"));
            run.cancel();
            BatchSummary s = run.await(Duration.ofSeconds(30)).orElseThrow();
            assertEquals(1, s.failed());
            assertEquals(1, s.succeeded());
        }
    }
}
