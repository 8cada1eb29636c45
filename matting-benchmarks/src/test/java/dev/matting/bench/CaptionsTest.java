package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.bench.report.BarChart;
import dev.matting.bench.report.Captions;
import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import dev.matting.postprocess.Background;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Charts and the contact sheet come out with captions where text works, and whole without them where it does not. */
class CaptionsTest {

    @AfterEach
    void restore() {
        System.clearProperty(Captions.NO_CAPTIONS);
    }

    private static Map<String, List<Matte>> oneColumn(RgbImage img) {
        byte[] alpha = new byte[img.width() * img.height()];
        java.util.Arrays.fill(alpha, (byte) 200);
        Map<String, List<Matte>> columns = new LinkedHashMap<>();
        columns.put("onnxruntime", List.of(new Matte(img, alpha, Background.transparent())));
        return columns;
    }

    @Test
    void imagesAreDrawnWithAndWithoutText() {
        RgbImage img = new RgbImage(40, 30, new byte[3 * 40 * 30]);
        List<ImageSource> sources = List.of(ImageSource.of("black", img.toBufferedImage()));
        BufferedImage with = SampleRun.contactSheet(sources, oneColumn(img));
        BufferedImage chartWith = BarChart.render("title", "ms", List.of("a"), List.of(new BarChart.Group("row", new double[] {3})), false);
        System.setProperty(Captions.NO_CAPTIONS, "true");
        assertFalse(Captions.available());
        BufferedImage without = SampleRun.contactSheet(sources, oneColumn(img));
        BufferedImage chartWithout = BarChart.render("title", "ms", List.of("a"), List.of(new BarChart.Group("row", new double[] {3})), false);
        assertEquals(with.getWidth(), without.getWidth());
        assertEquals(with.getHeight(), without.getHeight());
        assertEquals(chartWith.getHeight(), chartWithout.getHeight());
        // the header strip (y < 30) holds dark text only when captions are drawn
        assertFalse(hasDarkPixel(without, 30), "no text without captions");
        System.clearProperty(Captions.NO_CAPTIONS);
        if (Captions.available()) {
            assertTrue(hasDarkPixel(with, 30), "the header text is drawn where fonts work");
        }
    }

    private static boolean hasDarkPixel(BufferedImage img, int rows) {
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xff) < 0x80) {
                    return true;
                }
            }
        }
        return false;
    }
}
