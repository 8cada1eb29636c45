package dev.matting.image;

/**
 * Walks the marker segments of a JPEG header (SOI up to the first SOS) without trusting a single length: every
 * segment must lie inside the data, and the walk only moves forward, so any input ends it in linear time.
 */
final class JpegSegments {
    /** Start of scan: entropy-coded data follows and the header ends. */
    static final int SOS = 0xda;
    /** APP1, where EXIF lives. */
    static final int APP1 = 0xe1;

    /** Receives one segment: its marker and the payload's bounds (after the two length bytes). */
    interface Visitor {
        /** Returns false to stop the walk. */
        boolean segment(int marker, int payloadStart, int payloadEnd);
    }

    private JpegSegments() {
    }

    /** Whether the data starts with a JPEG SOI marker. */
    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff;
    }

    /** Visits each segment of the header in order; stops at SOS, EOI, malformed data or when the visitor says so. */
    static void walk(byte[] b, Visitor visitor) {
        walk(b, visitor, false);
    }

    /**
     * Visits each segment in order; with {@code throughScans} it also steps over each scan's entropy-coded data
     * (where 0xFF is followed by 0x00 stuffing or a restart marker) to the segments between and after the scans, so
     * every SOS of a progressive file is seen. Stops at EOI, malformed data or when the visitor says so.
     */
    static void walk(byte[] b, Visitor visitor, boolean throughScans) {
        if (!isJpeg(b)) {
            return;
        }
        int pos = 2;
        while (pos + 1 < b.length) {
            if ((b[pos] & 0xff) != 0xff) {
                return; // not at a marker: garbage between segments, give up rather than guess
            }
            while (pos + 1 < b.length && (b[pos + 1] & 0xff) == 0xff) {
                pos++; // fill bytes
            }
            if (pos + 1 >= b.length) {
                return;
            }
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xd9) {
                return; // EOI
            }
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                pos += 2; // stand-alone markers carry no length
                continue;
            }
            if (pos + 3 >= b.length) {
                return;
            }
            int length = (b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff);
            if (length < 2 || pos + 2L + length > b.length) {
                return;
            }
            if (!visitor.segment(marker, pos + 4, pos + 2 + length) || (marker == SOS && !throughScans)) {
                return;
            }
            pos += 2 + length;
            if (marker == SOS) {
                pos = endOfEntropyData(b, pos);
            }
        }
    }

    /** The offset of the first marker after entropy-coded data starting at {@code pos} (or the data's end). */
    private static int endOfEntropyData(byte[] b, int pos) {
        int i = pos;
        while (i + 1 < b.length) {
            if ((b[i] & 0xff) == 0xff) {
                int next = b[i + 1] & 0xff;
                if (next != 0x00 && next != 0xff && (next < 0xd0 || next > 0xd7)) {
                    return i;
                }
                i += next == 0xff ? 1 : 2;
            } else {
                i++;
            }
        }
        return b.length;
    }
}
