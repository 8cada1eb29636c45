package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    private static final int[] QUAD = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff}; // TL, TR, BL, BR

    /** A 48x24 image of four flat quadrants: red, green / blue, white. */
    private static BufferedImage quadrants() {
        BufferedImage img = new BufferedImage(48, 24, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        for (int q = 0; q < 4; q++) {
            g.setColor(new Color(QUAD[q]));
            g.fillRect(q % 2 * 24, q / 2 * 12, 24, 12);
        }
        g.dispose();
        return img;
    }

    // 2x2 grids of quadrant colours [row][col], transformed independently of Orientation's per-pixel mapping.
    private static int[][] rot90cw(int[][] m) {
        int h = m.length;
        int w = m[0].length;
        int[][] r = new int[w][h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r[x][h - 1 - y] = m[y][x];
            }
        }
        return r;
    }

    private static int[][] flipH(int[][] m) {
        int[][] r = new int[m.length][];
        for (int y = 0; y < m.length; y++) {
            r[y] = new int[m[y].length];
            for (int x = 0; x < m[y].length; x++) {
                r[y][m[y].length - 1 - x] = m[y][x];
            }
        }
        return r;
    }

    private static int[][] flipV(int[][] m) {
        int[][] r = new int[m.length][];
        for (int y = 0; y < m.length; y++) {
            r[m.length - 1 - y] = m[y].clone();
        }
        return r;
    }

    private static int[][] expectedGrid(int orientation) {
        int[][] m = {{QUAD[0], QUAD[1]}, {QUAD[2], QUAD[3]}};
        return switch (orientation) {
            case 1 -> m;
            case 2 -> flipH(m);
            case 3 -> rot90cw(rot90cw(m));
            case 4 -> flipV(m);
            case 5 -> flipH(rot90cw(m));
            case 6 -> rot90cw(m);
            case 7 -> flipV(rot90cw(m));
            case 8 -> rot90cw(rot90cw(rot90cw(m)));
            default -> throw new IllegalArgumentException();
        };
    }

    private static void assertNear(int expected, int actual, int tolerance, String what) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = expected >> shift & 0xff;
            int a = actual >> shift & 0xff;
            assertTrue(Math.abs(e - a) <= tolerance, what + ": expected ~" + Integer.toHexString(expected) + " got "
                    + Integer.toHexString(actual));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void appliesEveryExifOrientation(int orientation) {
        byte[] jpeg = TestImages.withOrientation(TestImages.jpeg(quadrants(), 0.95f), orientation);
        assertEquals(orientation, ImageDecoder.orientation(jpeg));
        RgbImage img = ImageDecoder.decode(ImageSource.of("exif-" + orientation + ".jpg", jpeg));
        boolean swapped = orientation >= 5;
        assertEquals(swapped ? 24 : 48, img.width());
        assertEquals(swapped ? 48 : 24, img.height());
        int[][] grid = expectedGrid(orientation);
        int cw = img.width() / 2;
        int ch = img.height() / 2;
        for (int gy = 0; gy < 2; gy++) {
            for (int gx = 0; gx < 2; gx++) {
                int got = img.rgbAt(gx * cw + cw / 2, gy * ch + ch / 2);
                assertNear(grid[gy][gx], got, 24, "orientation " + orientation + " cell " + gx + "," + gy);
            }
        }
    }

    @Test
    void jpegWithoutExifIsUpright() {
        assertEquals(1, ImageDecoder.orientation(TestImages.jpeg(quadrants(), 0.9f)));
    }

    @Test
    void decodesFromPathAndBytesAlike(@TempDir Path dir) throws Exception {
        BufferedImage src = randomImage(17, 9, BufferedImage.TYPE_INT_RGB, 1);
        byte[] png = TestImages.encode(src, "png");
        Path file = dir.resolve("a.png");
        Files.write(file, png);
        RgbImage fromPath = ImageDecoder.decode(ImageSource.of(file));
        RgbImage fromBytes = ImageDecoder.decode(ImageSource.of(png));
        assertArrayEquals(fromBytes.rgb(), fromPath.rgb());
        assertPixelsEqual(src, fromPath);
    }

    private static BufferedImage randomImage(int w, int h, int type, long seed) {
        BufferedImage img = new BufferedImage(w, h, type);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt());
            }
        }
        return img;
    }

    private static void assertPixelsEqual(BufferedImage expected, RgbImage actual) {
        assertEquals(expected.getWidth(), actual.width());
        assertEquals(expected.getHeight(), actual.height());
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < actual.width(); x++) {
                assertEquals(Integer.toHexString(expected.getRGB(x, y) & 0xffffff), Integer.toHexString(actual.rgbAt(x, y)),
                        "pixel " + x + "," + y);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_BGR, BufferedImage.TYPE_3BYTE_BGR,
        BufferedImage.TYPE_USHORT_565_RGB, BufferedImage.TYPE_USHORT_555_RGB})
    void opaqueBufferedImagesKeepEveryPixel(int type) {
        BufferedImage src = randomImage(13, 7, type, type);
        assertPixelsEqual(src, ImageDecoder.decode(ImageSource.of(src)));
    }

    @Test
    void subimageIsReadFromItsOwnOrigin() {
        BufferedImage big = randomImage(20, 20, BufferedImage.TYPE_3BYTE_BGR, 5);
        BufferedImage sub = big.getSubimage(3, 4, 9, 11);
        assertPixelsEqual(sub, ImageDecoder.decode(ImageSource.of(sub)));
        BufferedImage bigInt = randomImage(20, 20, BufferedImage.TYPE_INT_RGB, 6);
        BufferedImage subInt = bigInt.getSubimage(5, 2, 7, 3);
        assertPixelsEqual(subInt, ImageDecoder.decode(ImageSource.of(subInt)));
    }

    /** Expected RGB of ARGB {@code p} over white, rounded. */
    private static int overWhite(int p) {
        int a = p >>> 24;
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int c = p >> shift & 0xff;
            out |= (int) Math.round((c * a + 255.0 * (255 - a)) / 255.0) << shift;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR})
    void alphaIsCompositedOverWhite(int type) {
        BufferedImage src = new BufferedImage(4, 1, type);
        int[] argb = {0x00123456, 0xff102030, 0x80ff0000, 0x40000000};
        for (int x = 0; x < 4; x++) {
            src.setRGB(x, 0, argb[x]);
        }
        RgbImage img = ImageDecoder.decode(ImageSource.of(src));
        assertEquals(0xffffff, img.rgbAt(0, 0), "garbage colour under alpha 0 must not show");
        for (int x = 0; x < 4; x++) {
            assertEquals(Integer.toHexString(overWhite(argb[x])), Integer.toHexString(img.rgbAt(x, 0)), "pixel " + x);
        }
    }

    @Test
    void premultipliedAlphaIsCompositedOverWhite() {
        for (int type : new int[] {BufferedImage.TYPE_INT_ARGB_PRE, BufferedImage.TYPE_4BYTE_ABGR_PRE}) {
            BufferedImage src = new BufferedImage(3, 1, type);
            int[] argb = {0x00000000, 0xff102030, 0x80ff0000};
            for (int x = 0; x < 3; x++) {
                src.setRGB(x, 0, argb[x]);
            }
            RgbImage img = ImageDecoder.decode(ImageSource.of(src));
            for (int x = 0; x < 3; x++) {
                assertNear(overWhite(argb[x]), img.rgbAt(x, 0), 1, "type " + type + " pixel " + x);
            }
        }
    }

    @Test
    void rgbaPngWithGarbageUnderTransparentPixelsBecomesWhite() {
        BufferedImage src = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        Random r = new Random(3);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int a = (x + y) % 3 == 0 ? 0 : r.nextInt(256);
                src.setRGB(x, y, a << 24 | r.nextInt(0x1000000));
            }
        }
        RgbImage img = ImageDecoder.decode(ImageSource.of("rgba.png", TestImages.encode(src, "png")));
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(Integer.toHexString(overWhite(src.getRGB(x, y))), Integer.toHexString(img.rgbAt(x, y)));
            }
        }
    }

    @Test
    void greyPngKeepsItsLevels() {
        BufferedImage src = new BufferedImage(256, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 256; x++) {
            src.getRaster().setSample(x, 0, 0, x);
        }
        for (ImageSource s : new ImageSource[] {ImageSource.of(src), ImageSource.of("g.png", TestImages.encode(src, "png"))}) {
            RgbImage img = ImageDecoder.decode(s);
            for (int x = 0; x < 256; x++) {
                assertEquals(x * 0x010101, img.rgbAt(x, 0), s + " level " + x);
            }
        }
    }

    @Test
    void greyAlphaPngIsCompositedOverWhite() {
        ColorSpace gray = ColorSpace.getInstance(ColorSpace.CS_GRAY);
        ComponentColorModel cm = new ComponentColorModel(gray, true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(3, 1);
        raster.setPixel(0, 0, new int[] {10, 0});
        raster.setPixel(1, 0, new int[] {10, 255});
        raster.setPixel(2, 0, new int[] {100, 51});
        BufferedImage src = new BufferedImage(cm, raster, false, null);
        RgbImage img = ImageDecoder.decode(ImageSource.of("ga.png", TestImages.encode(src, "png")));
        assertEquals(0xffffff, img.rgbAt(0, 0));
        assertEquals(0x0a0a0a, img.rgbAt(1, 0));
        int v = (int) Math.round((100 * 51 + 255.0 * 204) / 255);
        assertEquals(v * 0x010101, img.rgbAt(2, 0));
    }

    @Test
    void sixteenBitGreyAndRgbPngAreRounded() {
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] levels = {0, 128, 0x7f80, 65535};
        for (int x = 0; x < 4; x++) {
            grey.getRaster().setSample(x, 0, 0, levels[x]);
        }
        RgbImage g = ImageDecoder.decode(ImageSource.of("g16.png", TestImages.encode(grey, "png")));
        for (int x = 0; x < 4; x++) {
            assertEquals(Math.round(levels[x] / 257.0) * 0x010101, g.rgbAt(x, 0), "level " + levels[x]);
        }

        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {65535, 0, 0x8080});
        raster.setPixel(1, 0, new int[] {257 * 17, 257 * 200 + 100, 129});
        BufferedImage rgb16 = new BufferedImage(cm, raster, false, null);
        byte[] png = TestImages.encode(rgb16, "png");
        assertEquals(16, png[24], "the test PNG must really be 16-bit");
        RgbImage c = ImageDecoder.decode(ImageSource.of("rgb16.png", png));
        assertEquals(0xff0080, c.rgbAt(0, 0));
        assertEquals(17 << 16 | 200 << 8 | 1, c.rgbAt(1, 0));
    }

    @Test
    void paletteAndOneBitPngsLookUpTheirColours() {
        byte[] r = {(byte) 255, 0, 0, 10};
        byte[] g = {0, (byte) 255, 0, 20};
        byte[] b = {0, 0, (byte) 255, 30};
        byte[] a = {(byte) 255, (byte) 255, (byte) 255, 0};
        IndexColorModel icm = new IndexColorModel(8, 4, r, g, b, a);
        BufferedImage pal = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_INDEXED, icm);
        for (int x = 0; x < 4; x++) {
            pal.getRaster().setSample(x, 0, 0, x);
            pal.getRaster().setSample(x, 1, 0, 3 - x);
        }
        byte[] png = TestImages.encode(pal, "png");
        assertEquals(3, png[25], "the test PNG must really be a palette PNG");
        RgbImage img = ImageDecoder.decode(ImageSource.of("pal.png", png));
        int[] want = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
        for (int x = 0; x < 4; x++) {
            assertEquals(want[x], img.rgbAt(x, 0));
            assertEquals(want[3 - x], img.rgbAt(x, 1));
        }

        BufferedImage bits = new BufferedImage(11, 3, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 11; x++) {
                bits.getRaster().setSample(x, y, 0, (x + y) % 2);
            }
        }
        RgbImage bw = ImageDecoder.decode(ImageSource.of("bits.png", TestImages.encode(bits, "png")));
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 11; x++) {
                assertEquals((x + y) % 2 == 1 ? 0xffffff : 0, bw.rgbAt(x, y));
            }
        }
    }

    @Test
    void bmpAndGifDecode() {
        BufferedImage src = randomImage(10, 6, BufferedImage.TYPE_3BYTE_BGR, 9);
        assertPixelsEqual(src, ImageDecoder.decode(ImageSource.of("a.bmp", TestImages.encode(src, "bmp"))));
        BufferedImage pal = new BufferedImage(10, 6, BufferedImage.TYPE_BYTE_INDEXED);
        pal.getGraphics().drawImage(src, 0, 0, null);
        assertPixelsEqual(pal, ImageDecoder.decode(ImageSource.of("a.gif", TestImages.encode(pal, "gif"))));
    }

    /**
     * A CMYK JPEG written by TwelveMonkeys' writer (Adobe APP14 marker, inverted samples as Photoshop writes them)
     * from a raster in its generic CMYK profile: cyan, magenta, yellow, black and paper white blocks.
     */
    /**
     * A colour JPEG is read straight into an RGB raster (no reordering pass) and must still give exactly the pixels
     * of the JDK reader's own default read, and of an embedded-profile photo too.
     */
    @Test
    void colourJpegsDecodeToTheJdkReadersPixels() throws Exception {
        BufferedImage noise = new BufferedImage(333, 211, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(3);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(noise, "jpg", out);
        byte[] photo = Files.readAllBytes(Path.of("../samples/photos/rocket.jpg"));
        for (byte[] jpeg : new byte[][] {out.toByteArray(), photo}) {
            BufferedImage jdk = ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
            RgbImage ours = ImageDecoder.decode(ImageSource.of("colour.jpg", jpeg));
            assertEquals(jdk.getWidth(), ours.width());
            assertEquals(jdk.getHeight(), ours.height());
            byte[] want = new byte[ours.rgb().length];
            for (int y = 0, i = 0; y < jdk.getHeight(); y++) {
                for (int x = 0; x < jdk.getWidth(); x++) {
                    int p = jdk.getRGB(x, y);
                    want[i++] = (byte) (p >> 16);
                    want[i++] = (byte) (p >> 8);
                    want[i++] = (byte) p;
                }
            }
            assertArrayEquals(want, ours.rgb());
        }
    }

    @Test
    void cmykJpegBecomesRgb() throws Exception {
        ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
        ComponentColorModel cm = new ComponentColorModel(cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        int[][] inks = {{255, 0, 0, 0}, {0, 255, 0, 0}, {0, 0, 255, 0}, {0, 0, 0, 255}, {0, 0, 0, 0}};
        WritableRaster raster = cm.createCompatibleWritableRaster(16 * inks.length, 16);
        for (int i = 0; i < inks.length; i++) {
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    raster.setPixel(16 * i + x, y, inks[i]);
                }
            }
        }
        BufferedImage src = new BufferedImage(cm, raster, false, null);
        byte[] jpeg = TestImages.jpeg(src, 0.95f);
        javax.imageio.ImageReader reader = ImageIO.getImageReaders(
                ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(jpeg))).next();
        reader.setInput(ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(jpeg)));
        assertEquals(4, reader.getRawImageType(0).getNumBands(), "the test JPEG must really hold 4 components");
        reader.dispose();

        RgbImage img = ImageDecoder.decode(ImageSource.of("cmyk.jpg", jpeg));
        assertEquals(16 * inks.length, img.width());
        int cyan = img.rgbAt(8, 8);
        int magenta = img.rgbAt(24, 8);
        int yellow = img.rgbAt(40, 8);
        int black = img.rgbAt(56, 8);
        int white = img.rgbAt(72, 8);
        // Profile conversion moves print colours into sRGB, so check what each ink must look like, not exact values.
        assertTrue(red(cyan) < 80 && blue(cyan) > 180 && green(cyan) > 120, "cyan " + Integer.toHexString(cyan));
        assertTrue(green(magenta) < 80 && red(magenta) > 180, "magenta " + Integer.toHexString(magenta));
        assertTrue(blue(yellow) < 80 && red(yellow) > 200 && green(yellow) > 200, "yellow " + Integer.toHexString(yellow));
        assertTrue(red(black) < 80 && green(black) < 80 && blue(black) < 80, "black " + Integer.toHexString(black));
        assertTrue(red(white) > 220 && green(white) > 220 && blue(white) > 220, "white " + Integer.toHexString(white));
    }

    private static int red(int p) {
        return p >> 16 & 0xff;
    }

    private static int green(int p) {
        return p >> 8 & 0xff;
    }

    private static int blue(int p) {
        return p & 0xff;
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.jpg");
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(ImageSource.of(missing)));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"), e.getMessage());
        assertEquals(missing.toString(), e.input());
    }

    @Test
    void emptyInputIsNamed() {
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(ImageSource.of("empty.png", new byte[0])));
        assertTrue(e.getMessage().contains("'empty.png'") && e.getMessage().contains("empty input"), e.getMessage());
    }

    @Test
    void unknownFormatIsNamed() {
        byte[] text = "hello, this is not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(ImageSource.of("notes.txt", text)));
        assertTrue(e.getMessage().contains("'notes.txt'") && e.getMessage().contains("unknown or unsupported image format"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg"})
    void truncatedDataIsNamed(String format) {
        BufferedImage src = randomImage(64, 64, BufferedImage.TYPE_3BYTE_BGR, 11);
        byte[] full = format.equals("png") ? TestImages.encode(src, "png") : TestImages.jpeg(src, 0.9f);
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(ImageSource.of("cut." + format, cut)));
        assertTrue(e.getMessage().contains("'cut." + format + "'") && e.getMessage().contains("truncated or corrupt"),
                e.getMessage());
    }

    @Test
    void corruptPngIsNamed() {
        byte[] png = TestImages.encode(randomImage(32, 32, BufferedImage.TYPE_INT_RGB, 12), "png");
        for (int i = 60; i < png.length - 20; i++) {
            png[i] = (byte) (png[i] ^ 0x5a);
        }
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(ImageSource.of("bad.png", png)));
        assertTrue(e.getMessage().contains("'bad.png'") && e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void pixelLimitStopsBombsBeforeDecoding() {
        byte[] png = TestImages.encode(new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB), "png");
        DecodeLimits limits = DecodeLimits.defaults();
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(ImageSource.of("big.png", png), limits.withMaxPixels(59_999)));
        assertTrue(e.getMessage().contains("'big.png'") && e.getMessage().contains("300x200 = 60000 pixels")
                && e.getMessage().contains(DecodeLimits.MAX_PIXELS_PROPERTY), e.getMessage());
        assertEquals(300, ImageDecoder.decode(ImageSource.of("big.png", png), limits.withMaxPixels(60_000)).width());

        String old = System.getProperty(DecodeLimits.MAX_PIXELS_PROPERTY);
        System.setProperty(DecodeLimits.MAX_PIXELS_PROPERTY, "1000");
        try {
            assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(ImageSource.of("big.png", png)));
        } finally {
            if (old == null) {
                System.clearProperty(DecodeLimits.MAX_PIXELS_PROPERTY);
            } else {
                System.setProperty(DecodeLimits.MAX_PIXELS_PROPERTY, old);
            }
        }
        assertEquals(200, ImageDecoder.decode(ImageSource.of("big.png", png)).height());
    }

    @Test
    void streamSourceDecodes() {
        BufferedImage src = randomImage(5, 5, BufferedImage.TYPE_INT_RGB, 13);
        ByteArrayOutputStream unused = new ByteArrayOutputStream();
        unused.writeBytes(TestImages.encode(src, "png"));
        RgbImage img = ImageDecoder.decode(ImageSource.of("stream", new java.io.ByteArrayInputStream(unused.toByteArray())));
        assertPixelsEqual(src, img);
    }
}
