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
}
