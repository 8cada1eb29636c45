package dev.matting.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ResizeFilterTest {

    /**
     * Weights of every output sum to 1: exactly normalised doubles, except OpenCV's: its weights are floats, and its
     * area table drops a partial pixel that covers at most 1e-3 of a source pixel (computeResizeAreaTab), so a
     * cell's weights can sum to a little less than 1 there, as they do in OpenCV.
     */
    @Property(tries = 300)
    void everyKernelIsNormalisedAndInBounds(@ForAll ResizeFilter filter, @ForAll @IntRange(min = 1, max = 3000) int in,
            @ForAll @IntRange(min = 1, max = 3000) int out) {
        ResizeKernel k = filter.kernel(in, out);
        assertEquals(in, k.inSize());
        assertEquals(out, k.outSize());
        double tolerance = filter == ResizeFilter.AREA ? 1e-6 : 1e-9;
        double dropped = k.arithmetic() == ResizeKernel.Arithmetic.OPENCV_AREA ? 2e-3 : 0;
        for (int o = 0; o < out; o++) {
            assertTrue(k.count(o) >= 1 && k.count(o) <= k.maxTaps(), k + ": output " + o + " has " + k.count(o) + " taps");
            assertTrue(k.first(o) >= 0 && k.first(o) + k.count(o) <= in, k + ": output " + o + " reads outside the source");
            double sum = 0;
            for (int t = 0; t < k.count(o); t++) {
                sum += k.weight(o, t);
            }
            assertTrue(sum <= 1 + tolerance && sum >= 1 - tolerance - dropped, k + ": output " + o + " sums to " + sum);
        }
    }

    @Property(tries = 100)
    void anUnchangedAxisIsTheIdentity(@ForAll ResizeFilter filter, @ForAll @IntRange(min = 1, max = 2000) int size) {
        ResizeKernel k = filter.kernel(size, size);
        assertTrue(k.isIdentity(), k.toString());
        for (int o = 0; o < size; o++) {
            assertEquals(o, k.first(o));
            assertEquals(1, k.count(o));
            assertEquals(1.0, k.weight(o, 0));
        }
    }

    @Property(tries = 100)
    void theDenseMatrixHoldsTheSameWeights(@ForAll ResizeFilter filter, @ForAll @IntRange(min = 1, max = 60) int in,
            @ForAll @IntRange(min = 1, max = 60) int out) {
        ResizeKernel k = filter.kernel(in, out);
        double[] m = k.dense();
        assertEquals(in * out, m.length);
        for (int o = 0; o < out; o++) {
            double row = 0;
            for (int i = 0; i < in; i++) {
                boolean tap = i >= k.first(o) && i < k.first(o) + k.count(o);
                assertEquals(tap ? k.weight(o, i - k.first(o)) : 0.0, m[o * in + i], 0.0);
                row += m[o * in + i];
            }
            assertEquals(1.0, row, 1e-6);
        }
    }

    /** Only OpenCV's area couples the axes; the others give the per-axis kernels. */
    @Property(tries = 100)
    void twoDimensionalKernels(@ForAll ResizeFilter filter, @ForAll @IntRange(min = 1, max = 500) int w,
            @ForAll @IntRange(min = 1, max = 500) int h, @ForAll @IntRange(min = 1, max = 500) int dw,
            @ForAll @IntRange(min = 1, max = 500) int dh) {
        ResizeKernel[] k = filter.kernels(w, h, dw, dh);
        if (filter != ResizeFilter.AREA) {
            assertEquals(filter.kernel(w, dw), k[0]);
            assertEquals(filter.kernel(h, dh), k[1]);
            return;
        }
        assertEquals(k[0].arithmetic(), k[1].arithmetic(), "OpenCV uses one method on both axes");
        boolean shrinks = w >= dw && h >= dh;
        boolean same = w == dw && h == dh;
        ResizeKernel.Arithmetic a = k[0].arithmetic();
        assertEquals(same, a == ResizeKernel.Arithmetic.IDENTITY);
        if (!same) {
            assertEquals(shrinks, a != ResizeKernel.Arithmetic.OPENCV_AREA_LINEAR, a + " for " + w + "x" + h + " -> " + dw + "x" + dh);
        }
    }

    @Test
    void kernelsAreCachedAndImmutable() {
        ResizeKernel a = ResizeFilter.LANCZOS.kernel(1920, 320);
        assertSame(a, ResizeFilter.LANCZOS.kernel(1920, 320));
        double[] w = a.weights();
        w[0] = 42;
        assertTrue(a.weight(0, 0) != 42);
        assertThrows(IndexOutOfBoundsException.class, () -> a.weight(0, a.count(0)));
        assertThrows(IllegalArgumentException.class, () -> ResizeFilter.BOX.kernel(0, 3));
        assertThrows(IllegalArgumentException.class, () -> ResizeFilter.fromKey("nearest"));
        assertEquals(ResizeFilter.SDK_AREA, ResizeFilter.fromKey(" SDK-Area "));
    }

    /** Pillow's LANCZOS when shrinking 1920 to 320: support 3 x 6 = 18 source pixels each side. */
    @Test
    void lanczosWidensWithTheScale() {
        ResizeKernel k = ResizeFilter.LANCZOS.kernel(1920, 320);
        assertEquals(ResizeKernel.Arithmetic.PILLOW_8BIT, k.arithmetic());
        assertEquals(36, k.count(100));
        assertTrue(ResizeFilter.LANCZOS.kernel(320, 1920).maxTaps() <= 7);
        assertTrue(ResizeFilter.LANCZOS.eightBit() && ResizeFilter.LANCZOS.roundsBetweenPasses());
        assertTrue(ResizeFilter.AREA.eightBit() && !ResizeFilter.AREA.roundsBetweenPasses());
        assertTrue(!ResizeFilter.SDK_AREA.eightBit());
    }

    /** OpenCV's area tables, computed by hand from computeResizeAreaTab and the area-mode linear coefficients. */
    @Test
    void openCvAreaWeightsByHand() {
        // 5 -> 2: scale 2.5; cell 0 covers [0, 2.5): pixels 0 and 1 whole, half of pixel 2
        ResizeKernel down = ResizeFilter.AREA.kernel(5, 2);
        assertEquals(ResizeKernel.Arithmetic.OPENCV_AREA, down.arithmetic());
        assertEquals(0, down.first(0));
        assertArrayEquals(new double[] {0.4f, 0.4f, 0.2f}, new double[] {down.weight(0, 0), down.weight(0, 1), down.weight(0, 2)});
        assertEquals(2, down.first(1));
        assertArrayEquals(new double[] {0.2f, 0.4f, 0.4f}, new double[] {down.weight(1, 0), down.weight(1, 1), down.weight(1, 2)});
        // 6 -> 3: whole blocks of two
        ResizeKernel block = ResizeFilter.AREA.kernel(6, 3);
        assertEquals(ResizeKernel.Arithmetic.OPENCV_AREA_BLOCK, block.arithmetic());
        assertEquals(4, block.first(2));
        assertEquals(2, block.count(2));
        // 2 -> 5: sx = floor(dx * 0.4), fx = (dx + 1) - (sx + 1) * 2.5, fractional part; taps 1 - fx, fx
        ResizeKernel up = ResizeFilter.AREA.kernel(2, 5);
        assertEquals(ResizeKernel.Arithmetic.OPENCV_AREA_LINEAR, up.arithmetic());
        int[] first = {0, 0, 0, 1, 1};
        int[] count = {1, 1, 2, 1, 1};
        for (int o = 0; o < 5; o++) {
            assertEquals(first[o], up.first(o), "output " + o);
            assertEquals(count[o], up.count(o), "output " + o);
        }
        assertEquals(0.5, up.weight(2, 0));
        assertEquals(0.5, up.weight(2, 1));
    }
}
