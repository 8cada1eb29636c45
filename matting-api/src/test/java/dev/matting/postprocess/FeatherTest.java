package dev.matting.postprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FeatherTest {
    @Provide
    Arbitrary<ErosionTest.Plane> planes() {
        return ErosionTest.planes();
    }

    @Property(tries = 100)
    void constantStaysExactlyConstant(@ForAll @IntRange(min = 1, max = 60) int w,
            @ForAll @IntRange(min = 1, max = 60) int h, @ForAll @IntRange(min = 0, max = 64) int r,
            @ForAll @IntRange(min = 0, max = 255) int level) {
        byte[] a = new byte[w * h];
        Arrays.fill(a, (byte) level);
        byte[] out = Feather.apply(a, w, h, r);
        for (byte b : out) {
            assertEquals(level, b & 0xff);
        }
    }

    @Property(tries = 100)
    void staysWithinTheInputRangeAndKeepsTheInput(@ForAll("planes")
            ErosionTest.Plane p, @ForAll @IntRange(min = 0, max = 20) int r) {
        int min = 255;
        int max = 0;
        for (byte b : p.alpha()) {
            min = Math.min(min, b & 0xff);
            max = Math.max(max, b & 0xff);
        }
        byte[] copy = p.alpha().clone();
        byte[] out = Feather.apply(p.alpha(), p.width(), p.height(), r);
        assertArrayEquals(copy, p.alpha());
        for (byte b : out) {
            assertTrue((b & 0xff) >= min && (b & 0xff) <= max);
        }
        if (r == 0) {
            assertArrayEquals(copy, out);
        }
    }

    /** An impulse spreads like a Gaussian of standard deviation {@code radius}: check its variance and symmetry. */
    @Test
    void impulseResponseHasTheGaussianVariance() {
        int w = 101;
        int r = 6;
        // Large amplitude so 8-bit rounding does not hide the tails: 255 spread along one row only.
        byte[] a = new byte[w * w];
        for (int y = 0; y < w; y++) {
            a[y * w + 50] = (byte) 255;
        }
        byte[] out = Feather.apply(a, w, w, r);
        double sum = 0;
        double var = 0;
        for (int x = 0; x < w; x++) {
            int v = out[50 * w + x] & 0xff;
            sum += v;
            var += v * (x - 50.0) * (x - 50.0);
            assertEquals(v, out[50 * w + 100 - x] & 0xff, "symmetric at " + x);
        }
        var /= sum;
        assertEquals(r * r, var, 0.1 * r * r, "variance");
        assertEquals(255, sum, 6, "mass is kept");
    }

    @Test
    void softensAHardEdgeMonotonically() {
        int w = 40;
        byte[] a = new byte[w];
        Arrays.fill(a, 20, w, (byte) 255);
        byte[] out = Feather.apply(a, w, 1, 3);
        assertEquals(0, out[0]);
        assertEquals(255, out[w - 1] & 0xff);
        assertTrue((out[19] & 0xff) > 0 && (out[20] & 0xff) < 255, "edge is softened");
        for (int x = 1; x < w; x++) {
            assertTrue((out[x] & 0xff) >= (out[x - 1] & 0xff), "monotone at " + x);
        }
    }
}
