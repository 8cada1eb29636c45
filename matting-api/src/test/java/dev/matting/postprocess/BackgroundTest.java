package dev.matting.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BackgroundTest {

    /** 200x50: green left half, blue right half. */
    private static BufferedImage halves() {
        BufferedImage img = new BufferedImage(200, 50, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 200; x++) {
                img.setRGB(x, y, x < 100 ? 0x00ff00 : 0x0000ff);
            }
        }
        return img;
    }

    @Property
    void coverFillsTheCanvasContainFitsInsideAndBothKeepTheAspectRatio(@ForAll @IntRange(min = 1, max = 3000) int bw,
            @ForAll @IntRange(min = 1, max = 3000) int bh, @ForAll @IntRange(min = 1, max = 3000) int w,
            @ForAll @IntRange(min = 1, max = 3000) int h) {
        int[] cover = Background.placement(bw, bh, w, h, Background.Fit.COVER);
        assertTrue(cover[0] <= 0 && cover[1] <= 0 && cover[0] + cover[2] >= w && cover[1] + cover[3] >= h,
                "cover leaves a gap: " + java.util.Arrays.toString(cover));
        int[] contain = Background.placement(bw, bh, w, h, Background.Fit.CONTAIN);
        assertTrue(contain[0] >= 0 && contain[1] >= 0 && contain[0] + contain[2] <= w && contain[1] + contain[3] <= h,
                "contain spills: " + java.util.Arrays.toString(contain));
        assertTrue(contain[2] == w || contain[3] == h || Math.abs(contain[2] - w) <= 1 || Math.abs(contain[3] - h) <= 1,
                "contain touches neither pair of sides: " + java.util.Arrays.toString(contain));
        for (int[] r : new int[][] {cover, contain}) {
            // scaled sizes are rounded to whole pixels (and at least one): the ratio holds to within a pixel
            double ratio = (double) bw / bh;
            assertTrue(Math.abs(r[2] - r[3] * ratio) <= 1 + ratio || Math.abs(r[3] - r[2] / ratio) <= 1 + 1 / ratio,
                    "aspect ratio lost: " + java.util.Arrays.toString(r) + " for " + bw + "x" + bh);
        }
        assertEquals(java.util.List.of(0, 0, w, h), java.util.Arrays.stream(
                Background.placement(bw, bh, w, h, Background.Fit.STRETCH)).boxed().toList());
    }

    @Test
    void coverCropsTheMiddleAndContainShowsTheFillColour() {
        int[] cover = Background.image(halves(), Background.Fit.COVER).pixels(50, 50);
        // the middle 50x50 of a 200x50 backdrop: green on the left, blue on the right
        assertEquals(0x00ff00, cover[25 * 50 + 2] & 0xffffff, Integer.toHexString(cover[25 * 50 + 2]));
        assertEquals(0x0000ff, cover[25 * 50 + 47] & 0xffffff);
        int[] contain = Background.image(halves(), Background.Fit.CONTAIN, Color.RED).pixels(50, 50);
        // scaled to 50x12.5, centred: red bars above and below
        assertEquals(0xff0000, contain[2 * 50 + 25] & 0xffffff);
        assertEquals(0xff0000, contain[47 * 50 + 25] & 0xffffff);
        assertEquals(0x00ff00, contain[25 * 50 + 5] & 0xffffff);
        int[] stretch = Background.image(halves(), Background.Fit.STRETCH).pixels(50, 50);
        assertEquals(0x00ff00, stretch[2 * 50 + 5] & 0xffffff, "stretch keeps the whole backdrop");
        assertEquals(0x0000ff, stretch[47 * 50 + 45] & 0xffffff);
    }

    @Test
    void parsesAndNamesEachKind() {
        assertTrue(Background.parse("transparent").isTransparent());
        assertEquals(Color.WHITE, Background.parse("#FFFFFF").color().orElseThrow());
        assertEquals(Background.Fit.CONTAIN, Background.Fit.parse("Contain"));
        assertThrows(IllegalArgumentException.class, () -> Background.Fit.parse("tile"));
        assertThrows(IllegalStateException.class, () -> Background.transparent().pixels(2, 2));
        Background img = Background.image(halves(), Background.Fit.COVER);
        assertTrue(img.color().isEmpty() && img.image().isPresent() && !img.isTransparent());
        assertEquals("image 200x50 (cover, fill #ffffff)", img.toString());
    }
}
