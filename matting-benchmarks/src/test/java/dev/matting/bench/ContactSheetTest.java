package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.Matte;
import dev.matting.bench.report.NoFonts;
import dev.matting.bench.report.TextDrawer;
import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import dev.matting.postprocess.Background;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contact sheet comes out whole with headers where text works, and without them where it does not (issue 9.11). */
class ContactSheetTest {
    private static final TextDrawer NO_FONTS = NoFonts.DRAWER;

    private static Map<String, List<Matte>> oneColumn(RgbImage img) {
        byte[] alpha = new byte[img.width() * img.height()];
        java.util.Arrays.fill(alpha, (byte) 200);
        Map<String, List<Matte>> columns = new LinkedHashMap<>();
        columns.put("onnxruntime", List.of(new Matte(img, alpha, Background.transparent())));
        return columns;
    }

    @Test
    void theSheetIsDrawnWithAndWithoutText() {
        RgbImage img = new RgbImage(40, 30, new byte[3 * 40 * 30]);
        List<ImageSource> sources = List.of(ImageSource.of("black", img.toBufferedImage()));
        TextDrawer broken = TextDrawer.failSafe(NO_FONTS);
        BufferedImage without = SampleRun.contactSheet(sources, oneColumn(img), broken);
        assertTrue(broken.failure().orElseThrow().contains("Fontconfig head is null"));
        assertFalse(hasDarkPixel(without, 30), "no header text without fonts");

        TextDrawer working = TextDrawer.failSafe(TextDrawer.java2d());
        BufferedImage with = SampleRun.contactSheet(sources, oneColumn(img), working);
        assertEquals(with.getWidth(), without.getWidth());
        assertEquals(with.getHeight(), without.getHeight());
        if (working.failure().isEmpty()) {
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
