package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.model.InputPolicy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class InputGeometryTest {

    @Property
    void fixedSquareFitsTheLongestSideAndPadsToTheSquare(@ForAll @IntRange(min = 1, max = 20000) int w,
            @ForAll @IntRange(min = 1, max = 20000) int h, @ForAll @IntRange(min = 1, max = 2048) int size) {
        InputGeometry g = InputGeometry.plan(w, h, new InputPolicy.FixedSquare(size));
        assertEquals(size, Math.max(g.scaledWidth(), g.scaledHeight()));
        assertEquals(size, g.paddedWidth());
        assertEquals(size, g.paddedHeight());
        checkCommon(g, w, h);
    }

    @Property
    void longestSideScalesAndPadsToTheMultiple(@ForAll @IntRange(min = 1, max = 20000) int w,
            @ForAll @IntRange(min = 1, max = 20000) int h, @ForAll @IntRange(min = 1, max = 2048) int size,
            @ForAll @IntRange(min = 1, max = 64) int multiple) {
        InputGeometry g = InputGeometry.plan(w, h, new InputPolicy.LongestSide(size, multiple));
        assertEquals(size, Math.max(g.scaledWidth(), g.scaledHeight()));
        for (int[] p : new int[][] {{g.scaledWidth(), g.paddedWidth()}, {g.scaledHeight(), g.paddedHeight()}}) {
            assertEquals(0, p[1] % multiple, "padded side is a multiple");
            assertTrue(p[1] >= p[0] && p[1] - p[0] < multiple, "padded is the smallest multiple >= scaled");
        }
        checkCommon(g, w, h);
    }

    private static void checkCommon(InputGeometry g, int w, int h) {
        assertEquals(w, g.sourceWidth());
        assertEquals(h, g.sourceHeight());
        assertTrue(g.scaledWidth() >= 1 && g.scaledHeight() >= 1);
        assertTrue(g.paddedWidth() >= g.scaledWidth() && g.paddedHeight() >= g.scaledHeight());
        // The short side is the exact aspect-kept value, rounded, unless clamped up to 1.
        boolean wide = w >= h;
        double exact = wide ? (double) h * g.scaledWidth() / w : (double) w * g.scaledHeight() / h;
        int shortSide = wide ? g.scaledHeight() : g.scaledWidth();
        assertTrue(Math.abs(shortSide - exact) <= 0.5 + 1e-9 || (shortSide == 1 && exact < 1),
                "short side " + shortSide + " vs exact " + exact);
        assertTrue(Math.abs(shortSide - exact) < 1, "aspect error below one pixel");
    }

    @Test
    void examples() {
        assertEquals(new InputGeometry(1920, 1080, 512, 288, 512, 512),
                InputGeometry.plan(1920, 1080, new InputPolicy.FixedSquare(512)));
        assertEquals(new InputGeometry(1080, 1920, 216, 384, 224, 384),
                InputGeometry.plan(1080, 1920, new InputPolicy.LongestSide(384, 32)));
        assertEquals(new InputGeometry(5000, 1, 320, 1, 320, 32),
                InputGeometry.plan(5000, 1, new InputPolicy.LongestSide(320, 32)));
        assertEquals(new InputGeometry(3, 3, 320, 320, 320, 320),
                InputGeometry.plan(3, 3, new InputPolicy.FixedSquare(320)));
    }

    @Property
    void stretchIgnoresTheAspectRatio(@ForAll @IntRange(min = 1, max = 20000) int w,
            @ForAll @IntRange(min = 1, max = 20000) int h, @ForAll @IntRange(min = 1, max = 2048) int tw,
            @ForAll @IntRange(min = 1, max = 2048) int th) {
        assertEquals(new InputGeometry(w, h, tw, th, tw, th), InputGeometry.plan(w, h, new InputPolicy.Stretch(tw, th)));
    }

    /** MODNet's rule: sides are multiples, at least one multiple, and images that straddle the size keep theirs. */
    @Property
    void shortSideFollowsModnet(@ForAll @IntRange(min = 1, max = 5000) int w, @ForAll @IntRange(min = 1, max = 5000) int h,
            @ForAll @IntRange(min = 32, max = 1024) int size) {
        // very thin images would need a side above 16384 (refused, see shortSideExamples)
        net.jqwik.api.Assume.that((double) Math.max(w, h) / Math.min(w, h) * size <= 16000 && Math.max(w, h) <= 16000);
        InputGeometry g = InputGeometry.plan(w, h, new InputPolicy.ShortSide(size, 32));
        assertEquals(g.scaledWidth(), g.paddedWidth());
        assertEquals(g.scaledHeight(), g.paddedHeight());
        for (int side : new int[] {g.scaledWidth(), g.scaledHeight()}) {
            assertEquals(0, side % 32);
            assertTrue(side >= 32);
        }
        if (Math.min(w, h) <= size && size <= Math.max(w, h)) {
            assertEquals(Math.max(32, w - w % 32), g.scaledWidth());
            assertEquals(Math.max(32, h - h % 32), g.scaledHeight());
        } else {
            int shortSide = w >= h ? g.scaledHeight() : g.scaledWidth();
            assertEquals(size - size % 32, shortSide);
        }
    }

    @Test
    void shortSideExamples() {
        InputPolicy modnet = new InputPolicy.ShortSide(512, 32);
        // 4000x3000: short side 3000 -> 512, long int(4000/3000*512) = 682 -> 672
        assertEquals(new InputGeometry(4000, 3000, 672, 512, 672, 512), InputGeometry.plan(4000, 3000, modnet));
        assertEquals(new InputGeometry(3000, 4000, 512, 672, 512, 672), InputGeometry.plan(3000, 4000, modnet));
        // 600x400 straddles 512: kept, floored to 576x384
        assertEquals(new InputGeometry(600, 400, 576, 384, 576, 384), InputGeometry.plan(600, 400, modnet));
        // 300x200, both below: short side up to 512, long int(1.5 * 512) = 768
        assertEquals(new InputGeometry(300, 200, 768, 512, 768, 512), InputGeometry.plan(300, 200, modnet));
        // a sliver that straddles: 600x20 would floor to a zero-high input in MODNet; kept at one multiple here
        assertEquals(new InputGeometry(600, 20, 576, 32, 576, 32), InputGeometry.plan(600, 20, modnet));
        // an image whose long side would pass the 16384 limit is refused, not allocated
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> InputGeometry.plan(400, 10, modnet)); // 10 -> 512, 400 -> 20480
    }

    @Test
    void policiesRefuseSizesThatWouldOverflow() {
        for (Runnable r : new Runnable[] {() -> new InputPolicy.Stretch(0, 5), () -> new InputPolicy.Stretch(5, 16385),
                () -> new InputPolicy.FixedSquare(100000), () -> new InputPolicy.LongestSide(16384, 16383),
                () -> new InputPolicy.ShortSide(512, 513)}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
        }
    }
}
