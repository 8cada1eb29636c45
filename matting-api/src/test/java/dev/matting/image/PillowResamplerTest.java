package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.matting.model.ResizeFilter;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bit-exact agreement with Pillow's {@code Image.resize} on the fixtures {@code tools/pillow_fixtures.py} made
 * (seeded images, each filter, L and RGB, down, up, one axis, mixed, degenerate sizes; rembg's first and last resize
 * on a real photo).
 */
class PillowResamplerTest {
    private static final String ROOT = "dev/matting/image/pillow/";

    record Case(String filter, String mode, String input, String output, int width, int height) {
        @Override
        public String toString() {
            return mode + " " + input + " -> " + width + "x" + height + " " + filter;
        }
    }

    static Stream<Case> cases() {
        JsonObject root = JsonParser.parseString(new String(resource("cases.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        List<Case> out = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            out.add(new Case(c.get("filter").getAsString(), c.get("mode").getAsString(), c.get("input").getAsString(),
                    c.get("output").getAsString(), c.get("width").getAsInt(), c.get("height").getAsInt()));
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPillowToTheBit(Case c) {
        ResizeFilter filter = ResizeFilter.fromKey(c.filter());
        Raster in = read(c.input());
        Raster expected = read(c.output());
        assertEquals(c.width(), expected.getWidth());
        assertEquals(c.height(), expected.getHeight());
        int w = in.getWidth();
        int h = in.getHeight();
        int dw = c.width();
        int dh = c.height();
        if (c.mode().equals("L")) {
            byte[] got = PillowResampler.grey(samples(in, 0), w, h, filter, dw, dh);
            assertSame(samples(expected, 0), got, c + ", L");
        } else {
            byte[] rgb = new byte[3 * w * h];
            byte[][] planes = {samples(in, 0), samples(in, 1), samples(in, 2)};
            for (int i = 0; i < w * h; i++) {
                for (int ch = 0; ch < 3; ch++) {
                    rgb[3 * i + ch] = planes[ch][i];
                }
            }
            byte[] chw = new byte[3 * dw * dh];
            PillowResampler.rgbToPlanes(rgb, w, h, filter, dw, dh, chw, dw, dh);
            for (int ch = 0; ch < 3; ch++) {
                byte[] plane = new byte[dw * dh];
                System.arraycopy(chw, ch * dw * dh, plane, 0, plane.length);
                assertSame(samples(expected, ch), plane, c + ", channel " + ch);
            }
        }
    }

    private static void assertSame(byte[] expected, byte[] got, String what) {
        assertEquals(expected.length, got.length, what);
        int differ = 0;
        int first = -1;
        for (int i = 0; i < got.length; i++) {
            if (expected[i] != got[i]) {
                differ++;
                first = first < 0 ? i : first;
            }
        }
        int at = first;
        int count = differ;
        assertTrue(count == 0, () -> what + ": " + count + " of " + got.length + " samples differ from Pillow, first at "
                + at + " (" + (expected[at] & 0xff) + " expected, " + (got[at] & 0xff) + " computed)");
    }

    /** Band {@code b} of a raster as bytes, read from the raster so no colour conversion touches the values. */
    private static byte[] samples(Raster r, int band) {
        int[] v = r.getSamples(0, 0, r.getWidth(), r.getHeight(), band, (int[]) null);
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    private static Raster read(String name) {
        try (InputStream in = name.startsWith("../") ? Files.newInputStream(Path.of("..", name.substring(3)))
                : new java.io.ByteArrayInputStream(resource(name))) {
            BufferedImage img = ImageIO.read(in);
            return img.getRaster();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = PillowResamplerTest.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + ROOT + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
