package dev.matting.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.bench.table.RowResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 11: on a server without fonts Java2D's text calls throw; charts must still be drawn (without text),
 * the report must still hold every figure, and the run must say what it left out.
 */
class ChartsWithoutFontsTest {
    private static final TextDrawer NO_FONTS = NoFonts.DRAWER;

    private static long pixelsOf(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void aChartWithoutFontsHasItsBarsAndSaysWhyItHasNoText() {
        TextDrawer text = TextDrawer.failSafe(NO_FONTS);
        List<BarChart.Group> groups = List.of(new BarChart.Group("CPU FP32", new double[] {900, Double.NaN}),
                new BarChart.Group("GPU FP16", new double[] {4, 9}));
        BufferedImage img = BarChart.render("title", "ms/image", List.of("ours", "reference"), groups, true, text);
        assertTrue(text.failure().orElseThrow().contains("Fontconfig head is null"));
        // three bars (one value is missing) in the first two palette colours, each a sizeable block of pixels
        assertTrue(pixelsOf(img, 0x1f77b4) > 2 * 13 * 50, "bars of the first series");
        assertTrue(pixelsOf(img, 0xff7f0e) > 13 * 50, "bar of the second series");

        TextDrawer working = TextDrawer.failSafe(TextDrawer.java2d());
        try {
            BarChart.render("title", "ms/image", List.of("ours", "reference"), groups, true, working);
        } catch (RuntimeException | Error e) {
            throw new AssertionError("the fail-safe drawer let " + e + " through", e);
        }
    }

    @Test
    void theReportKeepsEveryFigureAndWritesTheChartWithoutText(@TempDir Path out) throws Exception {
        RowResult cpu = new RowResult("cpu-fp32", "CPU FP32", "onnxruntime", "cpu", "fp32", 1, 1, 10, 302.8,
                1000 / 302.8, 3.0, null, null, "stable", "OnnxRuntime 1.21.1 on cpu FP32");
        ResultFiles.writeTable(out, new ResultFiles.TableFile("tiny", "1024", 10, 2, 5, 24L << 30, List.of(cpu)));

        ReportGenerator.Report r = ReportGenerator.generate(out, Optional.empty(), NO_FONTS);
        assertEquals(List.of(out.resolve("chart.png")), r.charts());
        assertEquals(1280, ImageIO.read(out.resolve("chart.png").toFile()).getWidth());
        assertEquals(1, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).startsWith("chart.png drawn without text"), r.warnings().get(0));
        String md = Files.readString(r.markdown());
        assertTrue(md.contains("| CPU FP32 | onnxruntime | 303 |"), md);
        assertTrue(md.contains("chart.png drawn without text"), md);
    }
}
