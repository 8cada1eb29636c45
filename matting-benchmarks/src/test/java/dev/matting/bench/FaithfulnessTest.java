package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.common.Device;
import dev.matting.common.Precision;
import dev.matting.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7's acceptance criterion: the embedded U²-Netp, through {@code Matters.create()} and through each engine
 * explicitly (CPU, FP32), mattes every photo of {@code samples/photos} within mean |Δalpha| &lt;= 1.5/255 and IoU at
 * 128 &gt;= 0.98 of rembg's alpha ({@code models/u2netp/reference}). The per-photo figures are printed.
 */
class FaithfulnessTest {

    static Stream<Arguments> matters() {
        return Stream.of(
                Arguments.of("Matters.create()", (Supplier<Matter>) Matters::create),
                Arguments.of("onnxruntime cpu fp32", (Supplier<Matter>) () -> Matters.builder().backend("onnxruntime")
                        .device(Device.cpu()).precision(Precision.FP32).create()),
                Arguments.of("pytorch cpu fp32", (Supplier<Matter>) () -> Matters.builder().backend("pytorch")
                        .device(Device.cpu()).precision(Precision.FP32).create()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matters")
    void everyPhotoMatchesRembg(String label, Supplier<Matter> factory) {
        Path root = TestModels.repository();
        List<FaithfulnessCheck.Row> rows;
        String what;
        try (Matter matter = factory.get()) {
            assertEquals("u2netp", matter.info().model());
            what = label + ": " + matter.info().backend() + " " + matter.info().device() + " " + matter.info().precision()
                    + " (" + matter.info().engineVersion() + ")";
            rows = FaithfulnessCheck.check(matter, root.resolve("samples/photos"), root.resolve("models/u2netp/reference"));
        }
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        FaithfulnessCheck.print(what, rows, FaithfulnessCheck.Bounds.FP32, new PrintStream(table, true, StandardCharsets.UTF_8));
        String printed = table.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertEquals(TestModels.photos().size(), rows.size(), printed);
        for (FaithfulnessCheck.Row r : rows) {
            assertTrue(r.passes(FaithfulnessCheck.Bounds.FP32), r + "\n" + printed);
        }
    }

    /** The command-line form: exit code 0 within bounds, 1 when a reference disagrees, 2 for a bad argument. */
    @org.junit.jupiter.api.Test
    void theCommandLineFailsWhenAPhotoIsOutOfBounds(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path root = TestModels.repository();
        Path photos = tmp.resolve("photos");
        Path refs = tmp.resolve("reference");
        java.nio.file.Files.createDirectories(photos);
        java.nio.file.Files.createDirectories(refs);
        java.nio.file.Files.copy(root.resolve("samples/photos/chelsea.png"), photos.resolve("chelsea.png"));
        // the reference of another photo of the same size does not match
        java.awt.image.BufferedImage wrong = new java.awt.image.BufferedImage(451, 300,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        javax.imageio.ImageIO.write(wrong, "png", refs.resolve("chelsea.png").toFile());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        assertEquals(1, FaithfulnessCheck.run(new String[] {"--device", "cpu", "--backend", "onnxruntime", "--photos",
            photos.toString(), "--reference", refs.toString()}, out), log.toString(StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("1 photo(s) out of bounds"));
        java.nio.file.Files.copy(root.resolve("models/u2netp/reference/chelsea.png"), refs.resolve("chelsea.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, FaithfulnessCheck.run(new String[] {"--device", "cpu", "--backend", "onnxruntime", "--photos",
            photos.toString(), "--reference", refs.toString()}, out), log.toString(StandardCharsets.UTF_8));
        assertEquals(2, FaithfulnessCheck.run(new String[] {"--precision"}, out));
    }
}
