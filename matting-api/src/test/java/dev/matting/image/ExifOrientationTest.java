package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The EXIF orientation reader against hand-built EXIF (both byte orders, SHORT and LONG values, JPEG APP1, PNG eXIf
 * with and without the "Exif" prefix, a bare TIFF), and against anything at all: it never throws and only ever
 * answers 1 to 8.
 */
class ExifOrientationTest {

    /** A TIFF structure whose IFD0 holds {@code filler} other entries, then the orientation entry. */
    static byte[] tiff(boolean little, int type, long value, int filler) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(little ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'});
        write(out, little, 2, 42);
        write(out, little, 4, 8);
        write(out, little, 2, filler + 1);
        for (int i = 0; i < filler; i++) {
            write(out, little, 2, 0x010f); // Make, ASCII, 4 bytes inline
            write(out, little, 2, 2);
            write(out, little, 4, 4);
            out.writeBytes(new byte[] {'A', 'B', 'C', 0});
        }
        write(out, little, 2, 0x0112);
        write(out, little, 2, type);
        write(out, little, 4, 1);
        if (type == 3) {
            write(out, little, 2, value);
            write(out, little, 2, 0);
        } else {
            write(out, little, 4, value);
        }
        write(out, little, 4, 0);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, boolean little, int bytes, long v) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * (little ? i : bytes - 1 - i))));
        }
    }

    static byte[] jpegWith(byte[] tiff) {
        byte[] jpeg = TestImages.jpeg(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), 0.9f);
        byte[] body = new byte[6 + tiff.length];
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, body, 0, 6);
        System.arraycopy(tiff, 0, body, 6, tiff.length);
        byte[] app1 = new byte[4 + body.length];
        app1[0] = (byte) 0xff;
        app1[1] = (byte) 0xe1;
        app1[2] = (byte) ((body.length + 2) >> 8);
        app1[3] = (byte) (body.length + 2);
        System.arraycopy(body, 0, app1, 4, body.length);
        return HostileInputs.splice(jpeg, 2, 2, app1);
    }

    static byte[] pngWith(byte[] exif) {
        byte[] png = TestImages.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png");
        byte[] chunk = new byte[12 + exif.length];
        HostileInputs.writeU32(chunk, 0, exif.length);
        System.arraycopy(new byte[] {'e', 'X', 'I', 'f'}, 0, chunk, 4, 4);
        System.arraycopy(exif, 0, chunk, 8, exif.length);
        int afterIhdr = 8 + 25;
        return HostileInputs.fixPngCrcs(HostileInputs.splice(png, afterIhdr, afterIhdr, chunk));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void readsEveryValueInEveryContainerAndByteOrder(int o) {
        for (boolean little : new boolean[] {true, false}) {
            for (int type : new int[] {3, 4}) {
                byte[] t = tiff(little, type, o, 3);
                String what = (little ? "II" : "MM") + " type " + type;
                assertEquals(o, ExifOrientation.read(jpegWith(t)), "JPEG " + what);
                assertEquals(o, ExifOrientation.read(pngWith(t)), "PNG " + what);
                byte[] prefixed = new byte[6 + t.length];
                System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, prefixed, 0, 6);
                System.arraycopy(t, 0, prefixed, 6, t.length);
                assertEquals(o, ExifOrientation.read(pngWith(prefixed)), "PNG with Exif prefix " + what);
                assertEquals(o, ExifOrientation.read(t), "TIFF " + what);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9, 255, 65535})
    void anOutOfRangeValueMeansUpright(int o) {
        assertEquals(1, ExifOrientation.read(jpegWith(tiff(false, 3, o, 0))));
    }

    @Test
    void noExifOrAnotherFormatMeansUpright() {
        assertEquals(1, ExifOrientation.read(TestImages.jpeg(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), 0.9f)));
        assertEquals(1, ExifOrientation.read(TestImages.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png")));
        assertEquals(1, ExifOrientation.read(TestImages.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "bmp")));
        assertEquals(1, ExifOrientation.read(new byte[0]));
    }

    @Test
    void theTagIsFoundAfterOtherEntriesAndOtherSegments() {
        assertEquals(6, ExifOrientation.read(jpegWith(tiff(true, 3, 6, 40))));
        assertEquals(8, ExifOrientation.read(TestImages.withOrientation(
                TestImages.jpeg(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), 0.9f), 8)));
    }

    @Property(tries = 300)
    void anyTruncationOrCorruptionOfExifAnswersOneToEightWithoutThrowing(@ForAll("exifFiles") byte[] file,
            @ForAll @IntRange(min = 0, max = 400) int cut, @ForAll @IntRange(min = 0, max = 400) int flipAt,
            @ForAll @IntRange(min = 0, max = 255) int xor) {
        byte[] b = Arrays.copyOf(file, Math.min(file.length, cut));
        if (b.length > 0) {
            b[flipAt % b.length] ^= (byte) xor;
        }
        int o = ExifOrientation.read(b);
        assertTrue(o >= 1 && o <= 8, "orientation " + o);
        byte[] flippedOnly = file.clone();
        flippedOnly[flipAt % file.length] ^= (byte) xor;
        o = ExifOrientation.read(flippedOnly);
        assertTrue(o >= 1 && o <= 8, "orientation " + o);
    }

    @Property(tries = 200)
    void randomBytesBehindAKnownSignatureNeverThrow(@ForAll("signatures") byte[] head,
            @ForAll @net.jqwik.api.constraints.Size(max = 200) byte[] tail) {
        byte[] b = new byte[head.length + tail.length];
        System.arraycopy(head, 0, b, 0, head.length);
        System.arraycopy(tail, 0, b, head.length, tail.length);
        int o = ExifOrientation.read(b);
        assertTrue(o >= 1 && o <= 8, "orientation " + o);
    }

    @Provide
    Arbitrary<byte[]> exifFiles() {
        return Arbitraries.of(jpegWith(tiff(false, 3, 6, 2)), pngWith(tiff(true, 4, 3, 1)), tiff(true, 3, 5, 4));
    }

    @Provide
    Arbitrary<byte[]> signatures() {
        return Arbitraries.of(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe1},
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, new byte[] {'I', 'I', 42, 0},
                new byte[] {'M', 'M', 0, 42}, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe1, 0, 30,
                    'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42});
    }
}
