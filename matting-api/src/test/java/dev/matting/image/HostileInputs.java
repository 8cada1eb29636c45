package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Tools for feeding the decoder hostile bytes: the outcome check every hostile input must pass, the structure of the
 * formats (PNG chunks, JPEG segments, where each header keeps its size and depth) that format-aware mutations edit,
 * and a streaming PNG builder for bombs too large to commit.
 */
final class HostileInputs {
    /** Hang guard per input: generous, a stuck decoder fails the test instead of the build. */
    static final Duration HANG_GUARD = Duration.ofSeconds(5);

    private HostileInputs() {
    }

    /** What one decode did: the image, or the typed refusal; and how many bytes the decoding thread allocated. */
    record Outcome(RgbImage image, ImageDecodeException error, long allocatedBytes) {
        boolean decoded() {
            return image != null;
        }
    }

    /**
     * Decodes {@code bytes} under {@code limits} on a guarded thread and checks the contract: a decoded image of
     * consistent size, or an {@link ImageDecodeException} naming the input; never another throwable, never longer
     * than {@link #HANG_GUARD}.
     */
    static Outcome decode(String name, byte[] bytes, DecodeLimits limits) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            RgbImage image = null;
            ImageDecodeException error = null;
            try {
                image = ImageDecoder.decode(ImageSource.of(name, bytes), limits);
            } catch (ImageDecodeException e) {
                error = e;
            } catch (Throwable t) {
                fail(name + ": expected an image or ImageDecodeException, got " + t + " for input of " + bytes.length
                        + " bytes starting " + hex(bytes, 64), t);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (image != null) {
                assertTrue(image.width() > 0 && image.height() > 0, name + ": decoded to " + image.width() + "x"
                        + image.height());
                assertEquals(3L * image.width() * image.height(), image.rgb().length, name);
            } else {
                assertEquals(name, error.input(), error.getMessage());
                assertTrue(error.getMessage().contains("'" + name + "'"), error.getMessage());
            }
            return new Outcome(image, error, allocated);
        }, () -> name + " did not finish decoding within " + HANG_GUARD);
    }

    static String hex(byte[] b, int n) {
        return HexFormat.of().formatHex(b, 0, Math.min(n, b.length));
    }

    // ---- format structure ----

    /** A byte range of a file: one PNG chunk or one JPEG segment, with where its size fields sit. */
    record Span(int start, int end) {
    }

    static boolean isPng(byte[] b) {
        return b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    static boolean isGif(byte[] b) {
        return b.length > 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F';
    }

    static boolean isBmp(byte[] b) {
        return b.length > 30 && b[0] == 'B' && b[1] == 'M';
    }

    /** PNG chunks after the signature (whole chunks: length, type, data, CRC), as far as they are intact. */
    static List<Span> pngChunks(byte[] b) {
        List<Span> out = new ArrayList<>();
        long pos = 8;
        while (pos + 12 <= b.length) {
            long len = readU32(b, (int) pos);
            long end = pos + 12 + len;
            if (end > b.length) {
                break;
            }
            out.add(new Span((int) pos, (int) end));
            pos = end;
        }
        return out;
    }

    /** JPEG header segments (marker to end of payload) up to and including SOS. */
    static List<Span> jpegSegments(byte[] b) {
        List<Span> out = new ArrayList<>();
        JpegSegments.walk(b, (marker, start, end) -> {
            out.add(new Span(start - 4, end));
            return true;
        });
        return out;
    }

    /** Where a format keeps its width and height: offsets and field width in bytes, and the byte order. */
    record SizeFields(int widthAt, int heightAt, int bytes, boolean bigEndian) {
    }

    /** The size fields of the image's main header, or null when the format or header is not recognised. */
    static SizeFields sizeFields(byte[] b) {
        if (isPng(b) && b.length >= 24) {
            return new SizeFields(16, 20, 4, true);
        }
        if (isGif(b) && b.length >= 10) {
            return new SizeFields(6, 8, 2, false);
        }
        if (isBmp(b)) {
            return new SizeFields(18, 22, 4, false);
        }
        for (Span s : jpegSegments(b)) {
            int marker = b[s.start() + 1] & 0xff;
            if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc
                    && s.end() - s.start() >= 9) {
                return new SizeFields(s.start() + 7, s.start() + 5, 2, true);
            }
        }
        return null;
    }

    /** Offsets of the bytes that declare depth and layout: PNG bit depth and colour type, BMP bits per pixel, ... */
    static int[] depthFields(byte[] b) {
        if (isPng(b) && b.length >= 29) {
            return new int[] {24, 25, 28};
        }
        if (isGif(b) && b.length >= 11) {
            return new int[] {10};
        }
        if (isBmp(b)) {
            return new int[] {28, 30};
        }
        for (Span s : jpegSegments(b)) {
            int marker = b[s.start() + 1] & 0xff;
            if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc
                    && s.end() - s.start() >= 10) {
                return new int[] {s.start() + 4, s.start() + 9, s.start() + 1};
            }
        }
        return new int[0];
    }

    /** Recomputes the CRC of every intact PNG chunk, so an edited header is read rather than rejected on its CRC. */
    static byte[] fixPngCrcs(byte[] b) {
        if (!isPng(b)) {
            return b;
        }
        byte[] out = b.clone();
        for (Span s : pngChunks(out)) {
            CRC32 crc = new CRC32();
            crc.update(out, s.start() + 4, s.end() - s.start() - 8);
            writeU32(out, s.end() - 4, crc.getValue());
        }
        return out;
    }

    static long readU32(byte[] b, int at) {
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
    }

    static void writeU32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static void writeField(byte[] b, int at, int bytes, boolean bigEndian, long v) {
        for (int i = 0; i < bytes; i++) {
            int shift = 8 * (bigEndian ? bytes - 1 - i : i);
            b[at + i] = (byte) (v >>> shift);
        }
    }

    static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + insert.length);
        out.write(b, 0, from);
        out.writeBytes(insert);
        out.write(b, to, b.length - to);
        return out.toByteArray();
    }

    // ---- a valid PNG bomb, streamed ----

    /**
     * A complete, valid PNG of all-zero pixels: {@code rows} rows of {@code rowBytes} filtered bytes each (the filter
     * byte included) deflated as they are produced, so a 800 MB image costs one row of memory and about 0.1 % of its
     * size on disk.
     */
    static byte[] zeroPng(int width, int height, int bitDepth, int colourType) {
        int channels = switch (colourType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new IllegalArgumentException("colour type " + colourType);
        };
        int rowBytes = 1 + (int) (((long) width * channels * bitDepth + 7) / 8);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] row = new byte[rowBytes];
        byte[] buf = new byte[1 << 16];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buf, 0, deflater.deflate(buf));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        byte[] ihdr = new byte[13];
        writeU32(ihdr, 0, width);
        writeU32(ihdr, 4, height);
        ihdr[8] = (byte) bitDepth;
        ihdr[9] = (byte) colourType;
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ihdr);
        if (colourType == 3) {
            chunk(png, "PLTE", new byte[] {0, 0, 0});
        }
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] head = new byte[8];
        writeU32(head, 0, data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, head, 4, 4);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] tail = new byte[4];
        writeU32(tail, 0, crc.getValue());
        out.writeBytes(head);
        out.writeBytes(data);
        out.writeBytes(tail);
    }

    static byte[] copy(byte[] b) {
        return Arrays.copyOf(b, b.length);
    }
}
