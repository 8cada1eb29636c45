package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.model.ResizeFilter;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Rules every resampler must keep, over random sizes, filters and images. */
class ResamplingProperties {

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** An 8-bit resize by any filter, as the pipeline runs it on the alpha. */
    private static byte[] resize(ResizeFilter f, byte[] src, int w, int h, int dw, int dh) {
        return f == ResizeFilter.AREA ? OpenCvArea.resize8(src, w, h, dw, dh) : PillowResampler.grey(src, w, h, f, dw, dh);
    }

    @Property(tries = 200)
    void aConstantImageStaysConstant(@ForAll("eightBit") ResizeFilter f, @ForAll @IntRange(min = 1, max = 90) int w,
            @ForAll @IntRange(min = 1, max = 90) int h, @ForAll @IntRange(min = 1, max = 90) int dw,
            @ForAll @IntRange(min = 1, max = 90) int dh, @ForAll @IntRange(min = 0, max = 255) int v) {
        byte[] src = new byte[w * h];
        Arrays.fill(src, (byte) v);
        for (byte b : resize(f, src, w, h, dw, dh)) {
            assertEquals(v, b & 0xff, f + " " + w + "x" + h + " -> " + dw + "x" + dh);
        }
        byte[] rgb = new byte[3 * w * h];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) v;
            rgb[i + 1] = (byte) (255 - v);
            rgb[i + 2] = (byte) (v / 2);
        }
        if (f != ResizeFilter.AREA) {
            byte[] chw = new byte[3 * dw * dh];
            PillowResampler.rgbToPlanes(rgb, w, h, f, dw, dh, chw, dw, dh);
            for (int i = 0; i < dw * dh; i++) {
                assertEquals(v, chw[i] & 0xff);
                assertEquals(255 - v, chw[dw * dh + i] & 0xff);
                assertEquals(v / 2, chw[2 * dw * dh + i] & 0xff);
            }
        }
    }

    @Property(tries = 100)
    void sameSizeIsACopy(@ForAll("eightBit") ResizeFilter f, @ForAll @IntRange(min = 1, max = 120) int w,
            @ForAll @IntRange(min = 1, max = 120) int h, @ForAll long seed) {
        byte[] src = random(w * h, seed);
        assertArrayEquals(src, resize(f, src, w, h, w, h));
        if (f != ResizeFilter.AREA) {
            byte[] rgb = random(3 * w * h, seed + 1);
            byte[] chw = new byte[3 * w * h];
            PillowResampler.rgbToPlanes(rgb, w, h, f, w, h, chw, w, h);
            for (int i = 0; i < w * h; i++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(rgb[3 * i + c], chw[c * w * h + i]);
                }
            }
        }
    }

    /** RGB is three independent channel resizes, as in Pillow. */
    @Property(tries = 60)
    void rgbIsThreeGreyResizes(@ForAll("pillow") ResizeFilter f, @ForAll @IntRange(min = 1, max = 200) int w,
            @ForAll @IntRange(min = 1, max = 200) int h, @ForAll @IntRange(min = 1, max = 200) int dw,
            @ForAll @IntRange(min = 1, max = 200) int dh, @ForAll long seed) {
        byte[] rgb = random(3 * w * h, seed);
        byte[] chw = new byte[3 * dw * dh];
        PillowResampler.rgbToPlanes(rgb, w, h, f, dw, dh, chw, dw, dh);
        for (int c = 0; c < 3; c++) {
            byte[] plane = new byte[w * h];
            for (int i = 0; i < w * h; i++) {
                plane[i] = rgb[3 * i + c];
            }
            assertArrayEquals(PillowResampler.grey(plane, w, h, f, dw, dh), Arrays.copyOfRange(chw, c * dw * dh, (c + 1) * dw * dh));
        }
    }

    /** OpenCV area on doubles is a convex combination: every output lies within the source's range. */
    @Property(tries = 100)
    void areaOnDoublesStaysWithinTheSourceRange(@ForAll @IntRange(min = 1, max = 80) int w,
            @ForAll @IntRange(min = 1, max = 80) int h, @ForAll @IntRange(min = 1, max = 80) int dw,
            @ForAll @IntRange(min = 1, max = 80) int dh, @ForAll long seed) {
        Random r = new Random(seed);
        double[] src = new double[w * h];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < src.length; i++) {
            src[i] = r.nextGaussian();
            lo = Math.min(lo, src[i]);
            hi = Math.max(hi, src[i]);
        }
        for (double v : OpenCvArea.resizeDouble(src, w, h, dw, dh)) {
            assertTrue(v >= lo - 1e-6 && v <= hi + 1e-6, v + " outside [" + lo + ", " + hi + "]");
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<ResizeFilter> eightBit() {
        return net.jqwik.api.Arbitraries.of(ResizeFilter.LANCZOS, ResizeFilter.BICUBIC, ResizeFilter.BILINEAR,
                ResizeFilter.BOX, ResizeFilter.AREA);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<ResizeFilter> pillow() {
        return net.jqwik.api.Arbitraries.of(ResizeFilter.LANCZOS, ResizeFilter.BICUBIC, ResizeFilter.BILINEAR,
                ResizeFilter.BOX);
    }

    /**
     * OpenCV {@code INTER_AREA} against values computed by hand from its source: fractional coverage (5 -> 2, weights
     * 0.4 0.4 0.2), whole 2x2 blocks (round half up), and the 8-bit bilinear emulation (2 -> 5, 11-bit weights).
     */
    @Test
    void openCvAreaByHand() {
        // 5x1 -> 2x1: 0.4*10 + 0.4*20 + 0.2*30 = 18; 0.2*30 + 0.4*40 + 0.4*51 = 42.4 -> 42
        assertArrayEquals(new byte[] {18, 42}, OpenCvArea.resize8(new byte[] {10, 20, 30, 40, 51}, 5, 1, 2, 1));
        // 5x5 -> 2x2, separable: rows weigh 0.4 0.4 0.2 / 0.2 0.4 0.4 as the columns do
        byte[] img = new byte[25];
        for (int i = 0; i < 25; i++) {
            img[i] = (byte) (i * 10);
        }
        // top-left: columns (0.4, 0.4, 0.2) of rows (0.4, 0.4, 0.2): sum w_y w_x 10 (5y + x) = 10 (5 * 0.8 + 0.8) = 48
        // top-right: x part 0.2*2 + 0.4*3 + 0.4*4 = 3.2 -> 10 (5 * 0.8 + 3.2) = 72; bottom: y part 3.2 -> 10 (16 + ...)
        assertArrayEquals(new byte[] {48, 72, (byte) 168, (byte) 192}, OpenCvArea.resize8(img, 5, 5, 2, 2));
        // 4x2 -> 2x1: whole 2x2 blocks, (sum + 2) >> 2: (1 + 2 + 5 + 6 + 2) >> 2 = 4 (3.5 rounds up); (3+4+7+8+2)>>2 = 6
        assertArrayEquals(new byte[] {4, 6}, OpenCvArea.resize8(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2, 2, 1));
        // 2x1 -> 5x1: taps [a0], [a0], [a0/2 + a1/2], [a1], [a1]; (10 + 21) / 2 = 15.5, fixed point rounds it to 16
        assertArrayEquals(new byte[] {10, 10, 16, 21, 21}, OpenCvArea.resize8(new byte[] {10, 21}, 2, 1, 5, 1));
        // doubles: the same weights without rounding
        double[] d = OpenCvArea.resizeDouble(new double[] {10, 20, 30, 40, 51}, 5, 1, 2, 1);
        assertEquals(18.0, d[0], 1e-5);
        assertEquals(42.4, d[1], 1e-5);
        double[] u = OpenCvArea.resizeDouble(new double[] {10, 21}, 2, 1, 5, 1);
        assertArrayEquals(new double[] {10, 10, 15.5, 21, 21}, u, 1e-9);
    }
}
