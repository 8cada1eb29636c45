package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.RgbImage;
import dev.matting.model.InputPolicy;
import dev.matting.model.ModelSpec;
import dev.matting.spi.ModelInput;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
    static ModelSpec spec(String dtype, int size, int multiple) {
        boolean uint8 = dtype.equals("uint8");
        String json = "{\"name\":\"t\",\"files\":{\"onnx\":{\"fp32\":\"m.onnx\"}},"
                + "\"input\":{\"dtype\":\"" + dtype + "\",\"policy\":{\"kind\":\"longest-side\",\"size\":" + size
                + ",\"multiple\":" + multiple + "}},"
                + "\"normalization\":{\"inGraph\":" + uint8 + ",\"scale\":0.00392156862745098,"
                + "\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225]},\"output\":{}}";
        return ModelSpec.parse(new StringReader(json), Path.of("."), "test");
    }

    private static RgbImage random(int w, int h, long seed) {
        byte[] rgb = new byte[3 * w * h];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    private static RgbImage constant(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[3 * w * h];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void unscaledImageIsLaidOutChwAndPaddedByRepeatingTheEdge() {
        RgbImage img = random(5, 3, 1);
        InputGeometry g = new InputGeometry(5, 3, 5, 3, 8, 4);
        ModelInput in = Preprocessor.prepare(img, g, spec("uint8", 5, 8));
        assertTrue(in.isPixels());
        assertEquals(8, in.width());
        assertEquals(4, in.height());
        byte[] p = in.pixels();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 8; x++) {
                    int sx = Math.min(x, 4);
                    int sy = Math.min(y, 2);
                    assertEquals(img.rgb()[3 * (sy * 5 + sx) + c], p[c * 32 + y * 8 + x], "c" + c + " " + x + "," + y);
                }
            }
        }
    }

    @Test
    void floatInputIsTheNormalisedUint8Input() {
        RgbImage img = random(37, 23, 2);
        InputGeometry g = InputGeometry.plan(37, 23, new InputPolicy.LongestSide(16, 8));
        ModelInput u = Preprocessor.prepare(img, g, spec("uint8", 16, 8));
        ModelInput f = Preprocessor.prepare(img, g, spec("float32", 16, 8));
        assertFalse(f.isPixels());
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        int plane = u.width() * u.height();
        for (int i = 0; i < u.pixels().length; i++) {
            int c = i / plane;
            double want = ((u.pixels()[i] & 0xff) / 255.0 - mean[c]) / std[c];
            assertEquals(want, f.values()[i], 1e-5, "element " + i);
        }
    }

    @Test
    void shrinkingAveragesAreas() {
        // A 1-pixel checkerboard shrunk by 2 averages to mid grey everywhere: no aliasing into stripes.
        int w = 64;
        byte[] rgb = new byte[3 * w * w];
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                byte v = (x + y) % 2 == 0 ? (byte) 255 : 0;
                rgb[3 * (y * w + x)] = v;
                rgb[3 * (y * w + x) + 1] = v;
                rgb[3 * (y * w + x) + 2] = v;
            }
        }
        InputGeometry g = InputGeometry.plan(w, w, new InputPolicy.FixedSquare(32));
        ModelInput in = Preprocessor.prepare(new RgbImage(w, w, rgb), g, spec("uint8", 32, 1));
        for (byte b : in.pixels()) {
            assertEquals(128, b & 0xff);
        }
    }

    @Test
    void enlargingInterpolatesWithCentredPixels() {
        // Two pixels 0 and 200 enlarged 2x: centres at -0.25, 0.25, 0.75, 1.25 give 0, 50, 150, 200.
        RgbImage img = new RgbImage(2, 1, new byte[] {0, 0, 0, (byte) 200, (byte) 200, (byte) 200});
        InputGeometry g = new InputGeometry(2, 1, 4, 2, 4, 2);
        byte[] p = Preprocessor.prepare(img, g, spec("uint8", 4, 1)).pixels();
        assertArrayEquals(new byte[] {0, 50, (byte) 150, (byte) 200, 0, 50, (byte) 150, (byte) 200},
                java.util.Arrays.copyOf(p, 8));
    }

    @Test
    void rejectsGeometryOfAnotherImage() {
        assertThrows(IllegalArgumentException.class, () -> Preprocessor.prepare(random(4, 4, 3),
                InputGeometry.plan(5, 4, new InputPolicy.FixedSquare(8)), spec("uint8", 8, 1)));
    }

    @Property(tries = 60)
    void constantImageStaysConstantIncludingPadding(@ForAll @IntRange(min = 1, max = 300) int w,
            @ForAll @IntRange(min = 1, max = 300) int h, @ForAll @IntRange(min = 1, max = 128) int size,
            @ForAll @IntRange(min = 0, max = 255) int r, @ForAll @IntRange(min = 0, max = 255) int b) {
        InputGeometry g = InputGeometry.plan(w, h, new InputPolicy.LongestSide(size, 16));
        byte[] p = Preprocessor.prepare(constant(w, h, r, 77, b), g, spec("uint8", size, 16)).pixels();
        int plane = g.paddedWidth() * g.paddedHeight();
        for (int i = 0; i < p.length; i++) {
            int want = i < plane ? r : i < 2 * plane ? 77 : b;
            assertEquals(want, p[i] & 0xff);
        }
    }

    @Property(tries = 60)
    void outputStaysWithinTheInputRange(@ForAll @IntRange(min = 1, max = 200) int w,
            @ForAll @IntRange(min = 1, max = 200) int h, @ForAll @IntRange(min = 1, max = 300) int size) {
        RgbImage img = random(w, h, (long) w * 1000 + h);
        int min = 255;
        int max = 0;
        for (int i = 0; i < img.rgb().length; i += 3) {
            min = Math.min(min, img.rgb()[i] & 0xff);
            max = Math.max(max, img.rgb()[i] & 0xff);
        }
        InputGeometry g = InputGeometry.plan(w, h, new InputPolicy.FixedSquare(size));
        byte[] p = Preprocessor.prepare(img, g, spec("uint8", size, 1)).pixels();
        for (int i = 0; i < size * size; i++) {
            int v = p[i] & 0xff;
            assertTrue(v >= min && v <= max);
        }
    }
}
