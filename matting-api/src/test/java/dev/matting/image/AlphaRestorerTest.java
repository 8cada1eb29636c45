package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.RgbImage;
import dev.matting.model.InputPolicy;
import java.util.Arrays;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AlphaRestorerTest {

    @Property(tries = 80)
    void constantAlphaStaysConstantAndCoversTheSource(@ForAll @IntRange(min = 1, max = 400) int w,
            @ForAll @IntRange(min = 1, max = 400) int h, @ForAll @IntRange(min = 1, max = 256) int size,
            @ForAll @IntRange(min = 1, max = 32) int multiple, @ForAll @IntRange(min = 0, max = 255) int level) {
        InputGeometry g = InputGeometry.plan(w, h, new InputPolicy.LongestSide(size, multiple));
        float[] alpha = new float[g.paddedWidth() * g.paddedHeight()];
        // Padding holds something else: it must be cropped away, never blended in.
        Arrays.fill(alpha, 0.77f);
        for (int y = 0; y < g.scaledHeight(); y++) {
            Arrays.fill(alpha, y * g.paddedWidth(), y * g.paddedWidth() + g.scaledWidth(), level / 255f);
        }
        byte[] out = AlphaRestorer.restore(alpha, g);
        assertEquals(w * h, out.length);
        for (byte b : out) {
            assertEquals(level, b & 0xff);
        }
    }

    /**
     * A vertical step edge at column {@code edge} goes through the way in (resize, pad), is read back as alpha
     * from the red plane, and restored: the half-way crossing must land within 2 px of the edge, plus 0.15 of a
     * model pixel (area averaging then linear interpolation moves a crossing by at most ~0.09 of a model pixel).
     * Edges inside the outermost model pixel are skipped: clamping at the border flattens them by design.
     */
    @Property(tries = 80)
    void stepEdgeComesBackWhereItWas(@ForAll @IntRange(min = 8, max = 600) int w,
            @ForAll @IntRange(min = 1, max = 300) int h, @ForAll @IntRange(min = 8, max = 256) int size,
            @ForAll @IntRange(min = 1, max = 1000) int edgePermille) {
        InputGeometry g = InputGeometry.plan(w, h, new InputPolicy.LongestSide(size, 32));
        double ratio = (double) w / g.scaledWidth();
        int margin = (int) Math.ceil(ratio) + 1;
        Assume.that(w > 2 * margin);
        int edge = Math.max(margin, Math.min(w - margin, w * edgePermille / 1000));
        byte[] rgb = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = edge; x < w; x++) {
                Arrays.fill(rgb, 3 * (y * w + x), 3 * (y * w + x) + 3, (byte) 255);
            }
        }
        byte[] chw = Preprocessor.prepare(new RgbImage(w, h, rgb), g, PreprocessorTest.spec("uint8", size, 32)).pixels();
        float[] alpha = new float[g.paddedWidth() * g.paddedHeight()];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = (chw[i] & 0xff) / 255f;
        }
        byte[] out = AlphaRestorer.restore(alpha, g);
        assertEquals(w * h, out.length);
        int y = h / 2;
        int crossing = w;
        for (int x = 0; x < w; x++) {
            if ((out[y * w + x] & 0xff) >= 128) {
                crossing = x;
                break;
            }
        }
        assertTrue(Math.abs(crossing - edge) <= 2 + 0.15 * ratio, "edge at " + edge + " came back at " + crossing + " via " + g);
        // Far from the edge (beyond the reach of both resampling kernels) the plateaus stay exact.
        int reach = 2 + 2 * margin;
        if (edge > reach) {
            assertEquals(0, out[y * w] & 0xff, "far left stays background");
        }
        if (w - edge > reach) {
            assertEquals(255, out[y * w + w - 1] & 0xff, "far right stays foreground");
        }
    }

    @Test
    void quantisesWithRoundingAndClamps() {
        InputGeometry g = new InputGeometry(6, 1, 6, 1, 6, 1);
        float[] alpha = {-0.5f, 0.5f / 255, 1.49f / 255, 1.51f / 255, 2f, Float.NaN};
        assertArrayEquals(new byte[] {0, 1, 1, 2, (byte) 255, 0}, AlphaRestorer.restore(alpha, g));
    }

    @Test
    void upscalesBilinearlyWithCentredPixels() {
        InputGeometry g = new InputGeometry(4, 1, 2, 1, 2, 1);
        byte[] out = AlphaRestorer.restore(new float[] {0f, 200f / 255}, g);
        assertArrayEquals(new byte[] {0, 50, (byte) 150, (byte) 200}, out);
    }

    @Test
    void rejectsAlphaOfTheWrongSize() {
        InputGeometry g = new InputGeometry(4, 4, 2, 2, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlphaRestorer.restore(new float[4], g));
        assertTrue(e.getMessage().contains("4x4"), e.getMessage());
    }
}
