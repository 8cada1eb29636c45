package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    static byte[] encode(int w, int h, byte[] samples, PngEncoder.Layout layout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PngEncoder.write(out, w, h, samples, layout);
        return out.toByteArray();
    }

    /** Decodes with ImageIO and compares every sample exactly. */
    static void assertRoundTrip(int w, int h, byte[] samples, PngEncoder.Layout layout) throws IOException {
        byte[] png = encode(w, h, samples, layout);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        int ch = layout.channels();
        assertEquals(ch, img.getRaster().getNumBands());
        int[] row = new int[w * ch];
        for (int y = 0; y < h; y++) {
            img.getRaster().getPixels(0, y, w, 1, row);
            for (int i = 0; i < row.length; i++) {
                if (row[i] != (samples[y * w * ch + i] & 0xff)) {
                    throw new AssertionError(layout + " " + w + "x" + h + ": sample " + i + " of row " + y + " is "
                            + row[i] + ", wrote " + (samples[y * w * ch + i] & 0xff));
                }
            }
        }
        checkChunks(png);
    }

    /** Every chunk's CRC is right, IDATs are at most 1 MiB, and the zlib stream's Adler-32 matches its data. */
    static void checkChunks(byte[] png) {
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        int idats = 0;
        String last = null;
        while (b.remaining() > 0) {
            int len = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(png, b.position(), len);
            b.position(b.position() + len);
            assertEquals((int) crc.getValue(), b.getInt(), "CRC of " + new String(type));
            last = new String(type, java.nio.charset.StandardCharsets.US_ASCII);
            if (last.equals("IDAT")) {
                idats++;
                assertTrue(len <= 1 << 20, "IDAT of " + len + " bytes");
            }
        }
        assertEquals("IEND", last);
        assertTrue(idats >= 1);
    }

    private static byte[] content(int n, long seed, int kind) {
        byte[] s = new byte[n];
        Random r = new Random(seed);
        switch (kind) {
            case 0 -> r.nextBytes(s); // noise: stored / incompressible paths
            case 1 -> { // smooth gradients with a little noise: what filters are for
                for (int i = 0; i < n; i++) {
                    s[i] = (byte) (i / 7 + r.nextInt(3));
                }
            }
            default -> { // long flat runs, like a matte
                int v = 0;
                for (int i = 0; i < n; i++) {
                    if (r.nextInt(500) == 0) {
                        v = r.nextInt(256);
                    }
                    s[i] = (byte) v;
                }
            }
        }
        return s;
    }

    @Property(tries = 150)
    void roundTripsEveryLayoutAndSize(@ForAll @IntRange(min = 1, max = 300) int w,
            @ForAll @IntRange(min = 1, max = 200) int h, @ForAll PngEncoder.Layout layout,
            @ForAll @IntRange(min = 0, max = 2) int kind, @ForAll long seed) throws IOException {
        assertRoundTrip(w, h, content(w * h * layout.channels(), seed, kind), layout);
    }

    @Test
    void largeImagesSpanManyBandsAndIdatChunks() throws IOException {
        // 1000 x 700 RGBA of noise: 2.8 MB that does not compress, so about a dozen bands and three IDATs.
        for (int kind = 0; kind < 3; kind++) {
            assertRoundTrip(1000, 700, content(1000 * 700 * 4, kind, kind), PngEncoder.Layout.RGBA);
        }
        assertRoundTrip(1, 300_000, content(300_000, 1, 0), PngEncoder.Layout.GRAY);
        assertRoundTrip(300_000, 1, content(900_000, 1, 1), PngEncoder.Layout.RGB);
    }

    @Property(tries = 60)
    void cutOutsFromPlanesRoundTripWithTransparentPixelsBlack(@ForAll @IntRange(min = 1, max = 200) int w,
            @ForAll @IntRange(min = 1, max = 120) int h, @ForAll long seed) throws IOException {
        byte[] rgb = content(3 * w * h, seed, 1);
        byte[] alpha = content(w * h, seed + 1, 2);
        Random r = new Random(seed);
        for (int i = 0; i < alpha.length; i++) {
            if (r.nextInt(3) == 0) {
                alpha[i] = 0;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PngEncoder.writeRgba(out, w, h, rgb, alpha);
        byte[] png = out.toByteArray();
        checkChunks(png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        int[] px = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().getPixel(x, y, px);
                int i = y * w + x;
                int a = alpha[i] & 0xff;
                assertEquals(a, px[3]);
                for (int c = 0; c < 3; c++) {
                    assertEquals(a == 0 ? 0 : rgb[3 * i + c] & 0xff, px[c], "pixel " + x + "," + y + " channel " + c);
                }
            }
        }
    }

    @Test
    void adlerCombinesLikeOnePass() {
        Random r = new Random(4);
        for (int t = 0; t < 50; t++) {
            byte[] a = new byte[r.nextInt(200_000)];
            byte[] b = new byte[r.nextInt(200_000)];
            r.nextBytes(a);
            r.nextBytes(b);
            Adler32 whole = new Adler32();
            whole.update(a);
            whole.update(b);
            Adler32 aa = new Adler32();
            aa.update(a);
            Adler32 bb = new Adler32();
            bb.update(b);
            assertEquals(whole.getValue(), PngEncoder.combineAdler(aa.getValue(), bb.getValue(), b.length));
        }
    }

    @Test
    void rejectsWrongSampleCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encode(4, 4, new byte[15], PngEncoder.Layout.GRAY));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> encode(0, 4, new byte[0], PngEncoder.Layout.RGB));
    }
}
