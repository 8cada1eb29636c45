package dev.matting.image;

/**
 * Reads the EXIF orientation tag (0x0112 in IFD0) from a JPEG's APP1 segment, a PNG's {@code eXIf} chunk or a TIFF
 * file's first IFD. Nothing else of the metadata is parsed.
 *
 * <p>Hostile input is the normal case here: every offset and count is checked against the data before it is used,
 * lengths are read as unsigned and compared in {@code long}, and every loop moves forward through a bounded array,
 * so any byte sequence returns within time linear in its length and never throws. Anything unreadable means
 * "no orientation" (1), as a viewer that cannot read the tag shows the image as stored.
 */
final class ExifOrientation {
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final int TYPE_LONG = 4;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] EXIF_HEADER = {'E', 'x', 'i', 'f', 0, 0};

    private ExifOrientation() {
    }

    /** The orientation (1-8) the data declares; 1 when it declares none, an invalid one, or cannot be read. */
    static int read(byte[] b) {
        try {
            if (JpegSegments.isJpeg(b)) {
                return fromJpeg(b);
            }
            if (startsWith(b, 0, PNG_SIGNATURE)) {
                return fromPng(b);
            }
            if (b.length >= 8 && ((b[0] == 'I' && b[1] == 'I') || (b[0] == 'M' && b[1] == 'M'))) {
                return fromTiff(b, 0, b.length);
            }
        } catch (RuntimeException e) {
            // Only a bug here could throw (all reads are bounds-checked); orientation is best effort either way.
        }
        return 1;
    }

    private static int fromJpeg(byte[] b) {
        int[] found = {1};
        JpegSegments.walk(b, (marker, start, end) -> {
            if (marker == JpegSegments.APP1 && end - start > EXIF_HEADER.length && startsWith(b, start, EXIF_HEADER)) {
                found[0] = fromTiff(b, start + EXIF_HEADER.length, end);
                return false;
            }
            return true;
        });
        return found[0];
    }

    /** PNG chunks up to IEND; {@code eXIf} holds a TIFF structure (some writers prefix it with "Exif\0\0"). */
    private static int fromPng(byte[] b) {
        long pos = PNG_SIGNATURE.length;
        while (pos + 8 <= b.length) {
            long length = u32(b, (int) pos, false);
            long dataStart = pos + 8;
            long dataEnd = dataStart + length;
            if (dataEnd + 4 > b.length) {
                return 1;
            }
            int p = (int) pos;
            if (b[p + 4] == 'e' && b[p + 5] == 'X' && b[p + 6] == 'I' && b[p + 7] == 'f') {
                int start = (int) dataStart;
                if (startsWith(b, start, EXIF_HEADER) && dataEnd - start > EXIF_HEADER.length) {
                    start += EXIF_HEADER.length;
                }
                return fromTiff(b, start, (int) dataEnd);
            }
            if (b[p + 4] == 'I' && b[p + 5] == 'E' && b[p + 6] == 'N' && b[p + 7] == 'D') {
                return 1;
            }
            pos = dataEnd + 4; // skip the CRC
        }
        return 1;
    }

    /** A TIFF structure in {@code b[start, end)}: byte order, 42, the offset of IFD0, then its 12-byte entries. */
    private static int fromTiff(byte[] b, int start, int end) {
        if (end - start < 8) {
            return 1;
        }
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, start + 2, little) != 42) {
            return 1;
        }
        long ifd = start + u32(b, start + 4, little);
        if (ifd < start + 8 || ifd + 2 > end) {
            return 1;
        }
        int count = u16(b, (int) ifd, little);
        long entries = ifd + 2;
        for (int i = 0; i < count && entries + 12L * (i + 1) <= end; i++) {
            int e = (int) (entries + 12L * i);
            if (u16(b, e, little) != TAG_ORIENTATION) {
                continue;
            }
            int type = u16(b, e + 2, little);
            long n = u32(b, e + 4, little);
            if (n < 1) {
                return 1;
            }
            // One SHORT or LONG fits in the entry's 4-byte value field, left-justified.
            long value = type == TYPE_SHORT ? u16(b, e + 8, little) : type == TYPE_LONG ? u32(b, e + 8, little) : 0;
            return value >= 1 && value <= 8 ? (int) value : 1;
        }
        return 1;
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        if (at < 0 || at + (long) prefix.length > b.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int x = b[at] & 0xff;
        int y = b[at + 1] & 0xff;
        return little ? y << 8 | x : x << 8 | y;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long hi = u16(b, little ? at + 2 : at, little);
        long lo = u16(b, little ? at : at + 2, little);
        return hi << 16 | lo;
    }
}
