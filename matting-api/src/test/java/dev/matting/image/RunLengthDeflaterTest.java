package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The deflate coder against the JDK's (zlib's) inflater: every stream it writes must decode to its input. */
class RunLengthDeflaterTest {

    /** Encodes {@code parts} as consecutive calls (bands) and inflates the concatenation. */
    private static byte[] roundTrip(byte[]... parts) throws DataFormatException {
        RunLengthDeflater.BitWriter w = new RunLengthDeflater.BitWriter(16);
        for (int i = 0; i < parts.length; i++) {
            RunLengthDeflater.encode(parts[i], 0, parts[i].length, i == parts.length - 1, w);
        }
        Inflater inf = new Inflater(true);
        inf.setInput(Arrays.copyOf(w.buf, w.pos));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!inf.finished()) {
            int n = inf.inflate(buf);
            if (n == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
                throw new AssertionError("stream ended before its final block");
            }
            out.write(buf, 0, n);
        }
        assertEquals(0, inf.getRemaining(), "bytes after the final block");
        inf.end();
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Data with the features that stress the coder: noise, runs of every length around the match limits, skew. */
    private static byte[] data(long seed, int n, int runChance) {
        Random r = new Random(seed);
        byte[] d = new byte[n];
        int i = 0;
        while (i < n) {
            if (r.nextInt(100) < runChance) {
                int len = switch (r.nextInt(6)) {
                    case 0 -> 1 + r.nextInt(6);
                    case 1 -> 255 + r.nextInt(8);
                    case 2 -> 258 * (1 + r.nextInt(3)) + r.nextInt(5) - 2;
                    default -> r.nextInt(2000);
                };
                byte v = (byte) (r.nextBoolean() ? 0 : r.nextInt(256));
                for (int k = 0; k < len && i < n; k++) {
                    d[i++] = v;
                }
            } else {
                d[i++] = (byte) (r.nextBoolean() ? r.nextGaussian() * 6 : r.nextInt(256));
            }
        }
        return d;
    }

    @Property(tries = 300)
    void everyBandSequenceInflatesToItsInput(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5000) int n,
            @ForAll @IntRange(min = 1, max = 4) int bands, @ForAll @IntRange(min = 0, max = 100) int runChance)
            throws DataFormatException {
        byte[][] parts = new byte[bands][];
        for (int b = 0; b < bands; b++) {
            parts[b] = data(seed + b, b == 0 ? n : n / 3, runChance);
        }
        assertArrayEquals(concat(parts), roundTrip(parts));
    }

    @Test
    void edgeCasesInflate() throws DataFormatException {
        assertArrayEquals(new byte[0], roundTrip(new byte[0]));
        assertArrayEquals(new byte[] {7}, roundTrip(new byte[] {7}));
        for (int len : new int[] {2, 3, 4, 5, 6, 258, 259, 260, 261, 262, 516, 517, 1_000_000}) {
            byte[] zeros = new byte[len];
            assertArrayEquals(zeros, roundTrip(zeros), "a run of " + len);
            byte[] ff = new byte[len];
            Arrays.fill(ff, (byte) 0xff);
            assertArrayEquals(ff, roundTrip(ff), "a run of " + len + " x 0xff");
        }
        byte[] all = new byte[256 * 40];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertArrayEquals(all, roundTrip(all), "every byte value, no runs");
    }

    @Test
    void codeLengthsStayWithinTheLimitForSkewedFrequencies() {
        int[] freq = new int[286];
        for (int i = 0; i < 40; i++) {
            freq[i] = 1 << Math.min(30, i); // Fibonacci-like skew would need depth 40 unlimited
        }
        int[] lengths = RunLengthDeflater.codeLengths(freq, 15);
        double kraft = 0;
        for (int i = 0; i < lengths.length; i++) {
            assertTrue(lengths[i] <= 15, "symbol " + i + " has length " + lengths[i]);
            assertEquals(freq[i] > 0, lengths[i] > 0, "symbol " + i);
            if (lengths[i] > 0) {
                kraft += Math.pow(2, -lengths[i]);
            }
        }
        assertTrue(kraft <= 1.0 + 1e-12, "Kraft sum " + kraft);
    }

    @Test
    void runsCompressAndNoiseDoesNotGrowMuch() throws DataFormatException {
        byte[] zeros = new byte[1 << 20];
        RunLengthDeflater.BitWriter w = new RunLengthDeflater.BitWriter(16);
        RunLengthDeflater.encode(zeros, 0, zeros.length, true, w);
        assertTrue(w.pos < 10_000, "1 MiB of zeros took " + w.pos + " bytes");
        byte[] noise = new byte[1 << 20];
        new Random(1).nextBytes(noise);
        w = new RunLengthDeflater.BitWriter(16);
        RunLengthDeflater.encode(noise, 0, noise.length, true, w);
        assertTrue(w.pos < noise.length * 1.01, "1 MiB of noise took " + w.pos + " bytes");
    }
}
