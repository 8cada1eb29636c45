package dev.matting.image;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * Fast PNG writer for grey, RGB and RGBA images, 8 bits per sample. Large images are cut into bands of rows; each
 * band is filtered (per row, Sub or Up by the smaller sum of absolute residuals) and deflated by
 * {@link RunLengthDeflater} (Huffman coding plus runs, several times faster than zlib's fastest level on photos),
 * ending on a byte boundary, so the bands concatenate into one valid zlib stream (the way pigz does it). Bands run on
 * the common {@link ForkJoinPool} and on the calling thread, which claims bands too, so progress never waits on a busy
 * pool. The Adler-32 of the whole stream is combined from the bands' checksums.
 *
 * <p>A cut-out is written straight from its RGB and alpha planes ({@link #writeRgba}), with no interleaved copy.
 */
public final class PngEncoder {
    /** Pixel layouts the encoder writes. */
    public enum Layout {
        /** One grey sample per pixel (PNG colour type 0). */
        GRAY(1, 0),
        /** Red, green, blue per pixel (PNG colour type 2). */
        RGB(3, 2),
        /** Red, green, blue and straight (not premultiplied) alpha per pixel (PNG colour type 6). */
        RGBA(4, 6);

        private final int channels;
        private final int colorType;

        Layout(int channels, int colorType) {
            this.channels = channels;
            this.colorType = colorType;
        }

        /** Samples per pixel. */
        public int channels() {
            return channels;
        }
    }

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** Filtered bytes per band: big enough that independent dictionaries cost little, small enough to spread. */
    private static final int BAND_BYTES = 256 * 1024;
    private static final int MAX_IDAT = 1 << 20;
    private static final int ADLER_BASE = 65521;

    private PngEncoder() {
    }

    /**
     * Writes {@code width x height} interleaved 8-bit samples in {@code layout} as one PNG. The stream is not closed.
     *
     * @throws IllegalArgumentException when the size is not positive or {@code samples} has the wrong length
     */
    public static void write(OutputStream out, int width, int height, byte[] samples, Layout layout) throws IOException {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(layout, "layout");
        long rowBytes = checkSize(width, height, layout);
        if (rowBytes * height != samples.length) {
            throw new IllegalArgumentException(layout + " " + width + "x" + height + " needs " + rowBytes * height
                    + " samples, got " + samples.length);
        }
        int stride = (int) rowBytes;
        write(out, width, height, layout, (y, row) -> System.arraycopy(samples, y * stride, row, 0, stride));
    }

    /**
     * Writes a cut-out as an RGBA PNG straight from its planes: colour from {@code rgb} (interleaved 8-bit RGB),
     * alpha from {@code alpha} (one byte per pixel). Pixels with alpha 0 are written as transparent black: their colour
     * is invisible, and zeros compress to almost nothing (rembg's cut-outs carry black there too). The stream is not
     * closed.
     *
     * @throws IllegalArgumentException when the size is not positive or a plane has the wrong length
     */
    public static void writeRgba(OutputStream out, int width, int height, byte[] rgb, byte[] alpha) throws IOException {
        Objects.requireNonNull(rgb, "rgb");
        Objects.requireNonNull(alpha, "alpha");
        checkSize(width, height, Layout.RGBA);
        long pixels = (long) width * height;
        if (rgb.length != 3 * pixels || alpha.length != pixels) {
            throw new IllegalArgumentException("RGBA " + width + "x" + height + " needs " + 3 * pixels + " colour and "
                    + pixels + " alpha bytes, got " + rgb.length + " and " + alpha.length);
        }
        write(out, width, height, Layout.RGBA, (y, row) -> {
            int p = y * width;
            int c = 3 * p;
            for (int x = 0, o = 0; x < width; x++, o += 4, c += 3) {
                byte a = alpha[p + x];
                if (a == 0) {
                    row[o] = 0;
                    row[o + 1] = 0;
                    row[o + 2] = 0;
                } else {
                    row[o] = rgb[c];
                    row[o + 1] = rgb[c + 1];
                    row[o + 2] = rgb[c + 2];
                }
                row[o + 3] = a;
            }
        });
    }

    /** Fills {@code row} with the interleaved samples of image row {@code y}. Called from several threads at once. */
    @FunctionalInterface
    interface RowSource {
        void row(int y, byte[] row);
    }

    private static long checkSize(int width, int height, Layout layout) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("PNG must be at least 1x1, got " + width + "x" + height);
        }
        long rowBytes = (long) width * layout.channels;
        if (rowBytes + 1 > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("PNG row of " + rowBytes + " bytes is too wide");
        }
        return rowBytes;
    }

    private static void write(OutputStream out, int width, int height, Layout layout, RowSource source)
            throws IOException {
        Objects.requireNonNull(out, "out");
        Band[] bands = encodeBands(source, width, height, layout.channels);

        out.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8;
        ihdr[9] = (byte) layout.colorType;
        writeChunk(out, "IHDR", ihdr, 0, 13);

        long adler = 1;
        IdatWriter idat = new IdatWriter(out);
        // zlib header: deflate, 32 KiB window, fastest level, header check bits so that 0x7801 % 31 == 0.
        idat.write(new byte[] {0x78, 0x01}, 0, 2);
        for (Band b : bands) {
            idat.write(b.deflated, 0, b.deflatedLength);
            adler = combineAdler(adler, b.adler, b.filteredLength);
        }
        byte[] trailer = new byte[4];
        putInt(trailer, 0, (int) adler);
        idat.write(trailer, 0, 4);
        idat.flush();
        writeChunk(out, "IEND", new byte[0], 0, 0);
    }

    /** One band of rows, filtered and deflated. */
    private static final class Band {
        final int y0;
        final int y1;
        final boolean last;
        byte[] deflated;
        int deflatedLength;
        long adler;
        long filteredLength;
        Throwable error;

        Band(int y0, int y1, boolean last) {
            this.y0 = y0;
            this.y1 = y1;
            this.last = last;
        }
    }

    private static Band[] encodeBands(RowSource source, int width, int height, int channels) {
        int stride = width * channels;
        int rowsPerBand = Math.max(1, BAND_BYTES / (stride + 1));
        int count = (height + rowsPerBand - 1) / rowsPerBand;
        Band[] bands = new Band[count];
        for (int i = 0; i < count; i++) {
            int y0 = i * rowsPerBand;
            bands[i] = new Band(y0, Math.min(height, y0 + rowsPerBand), i == count - 1);
        }
        int helpers = Math.min(count - 1, ForkJoinPool.getCommonPoolParallelism());
        if (helpers <= 0 || ForkJoinPool.commonPool().getParallelism() <= 0) {
            for (Band b : bands) {
                encodeBand(b, source, stride, channels);
            }
            rethrow(bands);
            return bands;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        Runnable worker = () -> {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    encodeBand(bands[i], source, stride, channels);
                } catch (Throwable t) {
                    bands[i].error = t;
                } finally {
                    done.countDown();
                }
            }
        };
        for (int h = 0; h < helpers; h++) {
            ForkJoinPool.commonPool().execute(worker);
        }
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                // The helpers still read the image; finish waiting for them, then restore the flag.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow(bands);
        return bands;
    }

    private static void rethrow(Band[] bands) {
        for (Band b : bands) {
            if (b.error instanceof RuntimeException e) {
                throw e;
            }
            if (b.error instanceof Error e) {
                throw e;
            }
            if (b.error != null) {
                throw new IllegalStateException("PNG band failed", b.error);
            }
        }
    }

    private static void encodeBand(Band band, RowSource source, int stride, int bpp) {
        int rows = band.y1 - band.y0;
        int lineLen = stride + 1;
        byte[] filtered = new byte[rows * lineLen];
        byte[] cur = new byte[stride];
        byte[] scratch = new byte[stride];
        byte[] prev = null;
        if (band.y0 > 0) {
            prev = new byte[stride];
            source.row(band.y0 - 1, prev);
        }
        for (int y = band.y0; y < band.y1; y++) {
            source.row(y, cur);
            filterRow(cur, prev, stride, bpp, filtered, (y - band.y0) * lineLen, scratch);
            if (prev == null) {
                prev = new byte[stride];
            }
            byte[] t = prev;
            prev = cur;
            cur = t;
        }
        Adler32 a = new Adler32();
        a.update(filtered, 0, filtered.length);
        band.adler = a.getValue();
        band.filteredLength = filtered.length;
        RunLengthDeflater.BitWriter bits = new RunLengthDeflater.BitWriter(filtered.length / 2 + 1024);
        RunLengthDeflater.encode(filtered, 0, filtered.length, band.last, bits);
        band.deflated = bits.buf;
        band.deflatedLength = bits.pos;
    }

    /**
     * Writes one row as a filter byte and residuals: Sub or Up, whichever has the smaller sum of absolute residuals
     * (as signed bytes, the heuristic the PNG specification recommends). Trying all five filters compresses about 4%
     * better but costs more than the deflate at level 1, and Paeth in particular does not vectorise; Sub and Up are
     * one subtraction each and catch horizontal and vertical smoothness. The first row has no row above: Sub.
     */
    private static void filterRow(byte[] s, byte[] p, int n, int bpp, byte[] out, int o, byte[] scratch) {
        // Both candidates are written out in plain loops and summed afterwards, then the winner kept (Sub in place, Up
        // copied over it): a quarter faster than summing both while reading the row, which the JIT cannot vectorise.
        int lead = Math.min(bpp, n);
        int d = o + 1;
        out[o] = 1;
        System.arraycopy(s, 0, out, d, lead);
        for (int i = lead; i < n; i++) {
            out[d + i] = (byte) (s[i] - s[i - bpp]);
        }
        if (p == null) {
            return;
        }
        for (int i = 0; i < n; i++) {
            scratch[i] = (byte) (s[i] - p[i]);
        }
        // Chunks of at most 2^23 bytes keep the int sums (each term <= 128) from overflowing.
        long sub = 0;
        long up = 0;
        for (int from = 0; from < n; from += 1 << 23) {
            int to = Math.min(n, from + (1 << 23));
            int a = 0;
            int b = 0;
            for (int i = from; i < to; i++) {
                int x = out[d + i];
                a += x < 0 ? -x : x;
            }
            for (int i = from; i < to; i++) {
                int x = scratch[i];
                b += x < 0 ? -x : x;
            }
            sub += a;
            up += b;
        }
        if (up < sub) {
            out[o] = 2;
            System.arraycopy(scratch, 0, out, d, n);
        }
    }

    /** The Adler-32 of {@code A + B} from those of {@code A} and {@code B} and B's length (zlib's adler32_combine). */
    static long combineAdler(long adler1, long adler2, long len2) {
        long rem = len2 % ADLER_BASE;
        long sum1 = adler1 & 0xffff;
        long sum2 = (rem * sum1) % ADLER_BASE;
        sum1 += (adler2 & 0xffff) + ADLER_BASE - 1;
        sum2 += ((adler1 >>> 16) & 0xffff) + ((adler2 >>> 16) & 0xffff) + ADLER_BASE - rem;
        if (sum1 >= ADLER_BASE) {
            sum1 -= ADLER_BASE;
        }
        if (sum1 >= ADLER_BASE) {
            sum1 -= ADLER_BASE;
        }
        if (sum2 >= 2L * ADLER_BASE) {
            sum2 -= 2L * ADLER_BASE;
        }
        if (sum2 >= ADLER_BASE) {
            sum2 -= ADLER_BASE;
        }
        return sum1 | (sum2 << 16);
    }

    /** Gathers the zlib stream into IDAT chunks of at most 1 MiB. */
    private static final class IdatWriter {
        private final OutputStream out;
        private final byte[] buf = new byte[MAX_IDAT];
        private int len;

        IdatWriter(OutputStream out) {
            this.out = out;
        }

        void write(byte[] b, int off, int n) throws IOException {
            while (n > 0) {
                int k = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
                if (len == buf.length) {
                    flush();
                }
            }
        }

        void flush() throws IOException {
            if (len > 0) {
                writeChunk(out, "IDAT", buf, 0, len);
                len = 0;
            }
        }
    }

    private static void writeChunk(OutputStream out, String type, byte[] data, int off, int len) throws IOException {
        byte[] head = new byte[8];
        putInt(head, 0, len);
        for (int i = 0; i < 4; i++) {
            head[4 + i] = (byte) type.charAt(i);
        }
        CRC32 crc = new CRC32();
        crc.update(head, 4, 4);
        crc.update(data, off, len);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(head);
        out.write(data, off, len);
        out.write(tail);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
