package dev.matting.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether an image file that may still be being written has reached its end, from its format's own end marker:
 * JPEG's EOI, PNG's IEND chunk, GIF's trailer, the file size in BMP and WebP (RIFF) headers. A file copied or
 * uploaded in pieces has none of these until its last byte is there. Other formats (TIFF) have no such marker and
 * count as complete; for them only the quiet period guards.
 */
final class FileCompleteness {
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private FileCompleteness() {
    }

    static boolean looksComplete(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 12) {
                return false;
            }
            byte[] head = read(ch, 0, 12);
            byte[] tail = read(ch, size - 12, 12);
            if ((head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8) {
                return (tail[10] & 0xff) == 0xFF && (tail[11] & 0xff) == 0xD9;
            }
            if ((head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
                return java.util.Arrays.equals(tail, PNG_END);
            }
            if (head[0] == 'G' && head[1] == 'I' && head[2] == 'F') {
                return tail[11] == 0x3B;
            }
            if (head[0] == 'B' && head[1] == 'M') {
                long declared = ByteBuffer.wrap(head, 2, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
                // some writers leave the field 0; then only the quiet period can tell
                return declared == 0 || declared <= size;
            }
            if (head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F') {
                long declared = ByteBuffer.wrap(head, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
                return declared + 8 <= size;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                break;
            }
        }
        return b.array();
    }
}
