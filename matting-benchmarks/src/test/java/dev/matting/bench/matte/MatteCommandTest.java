package dev.matting.bench.matte;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code matte} command in-process: outputs, options, resume and its exit codes. */
class MatteCommandTest {
    @TempDir
    static Path shared;
    static Path model;

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void smallModel() {
        model = SmallModel.folder(shared);
    }

    static Result matte(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MatteCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static long count(Path root, String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(suffix)).count();
        }
    }

    @Test
    void allGoodExitsZeroAndARerunSkipsEverything() throws Exception {
        Path in = dir.resolve("in");
        SmallModel.writePictures(in, 9, 64, 48);
        Path out = dir.resolve("out");
        Path report = dir.resolve("r.jsonl");
        Result r = matte(in.toString(), "-o", out.toString(), "--model", model.toString(), "--report", report.toString(),
                "--preset", "e-commerce");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("finished: 9 done, 0 failed, 0 skipped in "), r.out());
        assertEquals(9, count(out, ".png"));
        assertTrue(ImageIO.read(out.resolve("g0/p0000.png").toFile()).getColorModel().hasAlpha());
        Result again = matte(in.toString(), "-o", out.toString(), "--model", model.toString(), "--report",
                report.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().startsWith("finished: 0 done, 0 failed, 9 skipped"), again.out());
        assertEquals(18, Files.readAllLines(report).size());
    }

    @Test
    void aFailedInputExitsOneAndNamesIt() throws Exception {
        Path in = dir.resolve("in");
        SmallModel.writePictures(in, 3, 64, 48);
        Files.write(in.resolve("g1/cut-short.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16});
        Path out = dir.resolve("out");
        Result r = matte(in.toString(), "-o", out.toString(), "--model", model.toString(), "--no-progress");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("finished: 3 done, 1 failed, 0 skipped"), r.out());
        assertTrue(r.err().contains("failed: ") && r.err().contains("cut-short.jpg"), r.err());
        assertEquals(3, count(out, ".png"));
    }

    @Test
    void usageErrorsExitTwoBeforeAnyModelLoads() {
        List<String[]> bad = List.of(
                new String[] {},
                new String[] {dir.toString()},
                new String[] {dir.toString(), "-o", dir.resolve("o").toString(), "--preset", "wedding"},
                new String[] {dir.toString(), "-o", dir.resolve("o").toString(), "--no-such-flag"},
                new String[] {dir.resolve("missing").toString(), "-o", dir.resolve("o").toString()},
                new String[] {dir.toString(), "-o", dir.toString()},
                new String[] {dir.toString(), "-o", dir.resolve("o").toString(), "--format", "gif"},
                new String[] {dir.toString(), "-o", dir.resolve("o").toString(), "--bg", "nonsense"},
                new String[] {dir.toString(), "-o", dir.resolve("o").toString(), "--threshold", "300"},
                new String[] {dir.toString(), "-o", dir.resolve("o").toString(), "--device", "tpu"},
                new String[] {dir.toString(), "-o", dir.resolve("o").toString(), "--model", "no-such-model"});
        for (String[] args : bad) {
            Result r = matte(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
            assertFalse(r.err().contains("opened in"), "no model may load on a usage error: " + r.err());
        }
        assertEquals(0, matte("--help").code());
    }

    @Test
    void aCatalogueNameGoesToTheModelStoreAndOfflineSaysWhereToPutTheFile() throws Exception {
        Path in = dir.resolve("in");
        SmallModel.writePictures(in, 1, 64, 48);
        String cache = dir.resolve("models").toString();
        String old = System.setProperty("dev.matting.offline", "true");
        String oldDir = System.setProperty("dev.matting.models.dir", cache);
        try {
            Result r = matte(in.toString(), "-o", dir.resolve("o").toString(), "--model", "isnet-general-use",
                    "--no-progress");
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("isnet-general-use") && r.err().contains(cache), r.err());
        } finally {
            restore("dev.matting.offline", old);
            restore("dev.matting.models.dir", oldDir);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void maskOnlyAndJpegOverAnImageBackground() throws Exception {
        Path in = dir.resolve("in");
        SmallModel.writePictures(in, 2, 64, 48);
        Path bg = dir.resolve("bg.png");
        BufferedImage wide = new BufferedImage(200, 50, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 200; x++) {
            for (int y = 0; y < 50; y++) {
                wide.setRGB(x, y, x < 100 ? 0x00ff00 : 0x0000ff);
            }
        }
        ImageIO.write(wide, "png", bg.toFile());
        Path masks = dir.resolve("masks");
        assertEquals(0, matte(in.toString(), "-o", masks.toString(), "--model", model.toString(), "--mask-only").code());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, ImageIO.read(masks.resolve("g0/p0000.png").toFile()).getType());
        Path jpgs = dir.resolve("jpgs");
        Result r = matte(in.toString(), "-o", jpgs.toString(), "--model", model.toString(), "--format", "jpg",
                "--bg", bg.toString(), "--quality", "90");
        assertEquals(0, r.code(), r.err());
        BufferedImage j = ImageIO.read(jpgs.resolve("g1/p0001.jpg").toFile());
        assertEquals(64, j.getWidth());
        assertFalse(j.getColorModel().hasAlpha());
    }
}
