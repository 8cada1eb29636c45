package dev.matting.image;

import java.util.Arrays;

/**
 * A fast deflate coder for filtered image rows: one dynamic-Huffman block per call, whose only matches repeat the
 * previous byte (distance 1), which is what runs of equal residuals need, and nothing else.
 *
 * <p>Why not {@link java.util.zip.Deflater}: on a filtered 1080p photo zlib's fastest level spends about 200 ms of CPU
 * in its match finder and its Huffman-only strategy still about 100 ms (2-core EPYC, see the CHANGELOG), both far over
 * what a whole image may cost on the CPU. After PNG filtering, what is left to compress in a photo is the skew of the
 * residual histogram (Huffman coding) and the runs of zeros in flat and transparent areas (run-length matches); long
 * matches between distant rows pay little. This coder does exactly those two things, two linear passes over the band
 * (histogram of a sample, then emit), at a few nanoseconds per byte, and compresses filtered photos within a few percent of zlib
 * level 1 and cut-outs with transparent backgrounds better than Huffman-only.
 *
 * <p>Each call ends on a byte boundary: with the final-block bit when {@code last}, otherwise with an empty stored
 * block (a sync flush), so independently encoded bands concatenate into one valid deflate stream.
 */
final class RunLengthDeflater {
    private static final int LITERALS = 256;
    private static final int END_OF_BLOCK = 256;
    private static final int LIT_LEN_CODES = 286;
    private static final int MIN_MATCH = 3;
    private static final int MAX_MATCH = 258;
    /** A run shorter than this costs less as literals than as a literal plus a match. */
    private static final int MIN_RUN = 5;
    /** Four bytes little-endian in one store: the bit buffer's flush. */
    private static final java.lang.invoke.VarHandle INT_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    /** A pair-code table per thread (512 KiB), rebuilt for each block's code. */
    private static final ThreadLocal<long[]> PAIRS = ThreadLocal.withInitial(() -> new long[LITERALS * LITERALS]);
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_BITS = 15;
    private static final int MAX_CODE_LENGTH_BITS = 7;
    private static final int SAMPLE_CHUNK = 4096;
    private static final int SAMPLE_EVERY = 4;
    /** Order in which the code-length code lengths are sent (RFC 1951, 3.2.7). */
    private static final int[] CL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
        67, 83, 99, 115, 131, 163, 195, 227, 258};
    private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5,
        5, 5, 5, 0};
    /** For each match length 3..258: its length symbol (257..285). */
    private static final short[] LENGTH_SYMBOL = new short[MAX_MATCH + 1];

    static {
        for (int code = 0; code < LENGTH_BASE.length; code++) {
            int top = code + 1 < LENGTH_BASE.length ? LENGTH_BASE[code + 1] : MAX_MATCH + 1;
            for (int len = LENGTH_BASE[code]; len < top && len <= MAX_MATCH; len++) {
                LENGTH_SYMBOL[len] = (short) (257 + code);
            }
        }
        // 258 has its own code (285) with no extra bits, although 227 + 31 would also reach it.
        LENGTH_SYMBOL[MAX_MATCH] = 285;
    }

    private RunLengthDeflater() {
    }

    /** Deflates {@code data[off, off + len)} into {@code out} as described above. */
    static void encode(byte[] data, int off, int len, boolean last, BitWriter out) {
        int end = off + len;
        int[] litFreq = histogram(data, off, end);
        int[] litLengths = codeLengths(litFreq, MAX_BITS);
        // A distance tree needs at least one code even when the block has no match.
        int[] distLengths = {1};
        int[] litCodes = canonicalReversedCodes(litLengths);
        int[] distCodes = canonicalReversedCodes(distLengths);
        writeHeader(out, last, litLengths, distLengths);
        // Code and length of each literal in one int: one load per byte in the hot loop.
        int[] packed = new int[LITERALS];
        for (int v = 0; v < LITERALS; v++) {
            packed[v] = litCodes[v] | litLengths[v] << 16;
        }
        // The codes of every pair of literals (first byte in the low bits), length in the high word: two bytes per
        // step where no run can start. Building it costs a few percent of a band; it pays a third of the emission.
        long[] pairs = PAIRS.get();
        for (int b = 0; b < LITERALS; b++) {
            int lb = litLengths[b];
            for (int a = 0; a < LITERALS; a++) {
                int la = litLengths[a];
                pairs[a | b << 8] = litCodes[a] | (long) litCodes[b] << la | (long) (la + lb) << 32;
            }
        }

        // Pass 2: the symbols, with the bit buffer held in locals for speed.
        long bits = out.bits;
        int count = out.count;
        byte[] buf = out.ensure((long) len * 2 + 64);
        int pos = out.pos;
        int i = off;
        int last2 = end - 2;
        while (i < end) {
            // The common case on photos: a stretch of bytes none of which equals the next, so none starts a run; a
            // tight loop for it, two literals a step (at most 31 + 30 bits are held). The flush is branch-free: store
            // eight bytes, advance past the whole ones, keep the partial one (whether to flush is a coin toss the
            // branch predictor loses).
            while (i < last2) {
                byte b0 = data[i];
                byte b1 = data[i + 1];
                if (b0 == b1 || b1 == data[i + 2]) {
                    break;
                }
                long pc = pairs[(b0 & 0xff) | (b1 & 0xff) << 8];
                bits |= (pc & 0xffffffffL) << count;
                count += (int) (pc >>> 32);
                LONG_LE.set(buf, pos, bits);
                int whole = count >>> 3;
                pos += whole;
                bits >>>= whole << 3;
                count &= 7;
                i += 2;
            }
            if (i >= end) {
                break;
            }
            // One literal, and the run it may start (a byte that ends a pair loop goes here too: runLength is 1)
            int v = data[i] & 0xff;
            int run = runLength(data, i, end, v);
            // Each emission adds at most 21 bits and the buffer is flushed below 32 after it: never past 64.
            int lit = packed[v];
            bits |= (long) (lit & 0xffff) << count;
            count += lit >>> 16;
            if (count >= 32) {
                INT_LE.set(buf, pos, (int) bits);
                pos += 4;
                bits >>>= 32;
                count -= 32;
            }
            if (run >= MIN_RUN) {
                int rest = run - 1;
                while (rest >= MIN_MATCH) {
                    int m = Math.min(rest, MAX_MATCH);
                    if (rest - m > 0 && rest - m < MIN_MATCH) {
                        m = rest - MIN_MATCH;
                    }
                    int sym = LENGTH_SYMBOL[m];
                    int code = sym - 257;
                    bits |= (long) litCodes[sym] << count;
                    count += litLengths[sym];
                    bits |= (long) (m - LENGTH_BASE[code]) << count;
                    count += LENGTH_EXTRA[code];
                    bits |= (long) distCodes[0] << count;
                    count += distLengths[0];
                    if (count >= 32) {
                        INT_LE.set(buf, pos, (int) bits);
                        pos += 4;
                        bits >>>= 32;
                        count -= 32;
                    }
                    rest -= m;
                }
                for (; rest > 0; rest--) {
                    bits |= (long) (lit & 0xffff) << count;
                    count += lit >>> 16;
                    if (count >= 32) {
                        INT_LE.set(buf, pos, (int) bits);
                        pos += 4;
                        bits >>>= 32;
                        count -= 32;
                    }
                }
                i += run;
            } else {
                i++;
            }
        }
        out.bits = bits;
        out.count = count;
        out.pos = pos;
        out.write(litCodes[END_OF_BLOCK], litLengths[END_OF_BLOCK]);
        if (last) {
            out.alignToByte();
        } else {
            // An empty stored block: BFINAL 0, BTYPE 00, pad to a byte, LEN 0, NLEN 0xffff.
            out.write(0, 3);
            out.alignToByte();
            out.write(0x0000, 16);
            out.write(0xffff, 16);
        }
    }

    /**
     * Symbol counts of the block, from a sample: one chunk in {@value #SAMPLE_EVERY} of {@value #SAMPLE_CHUNK} bytes
     * (all of a small block), scanned with the same run rule the encoder uses, plus one for every literal and length
     * symbol, so every symbol the block can need has a code. Counting a quarter of the data halves the cost of the
     * first pass; the code it gives is within a fraction of a percent of the full count's on image rows.
     */
    private static int[] histogram(byte[] data, int off, int end) {
        int[] freq = new int[LIT_LEN_CODES];
        Arrays.fill(freq, 1);
        int chunks = 0;
        for (int start = off; start < end; start += SAMPLE_CHUNK, chunks++) {
            if (end - off > SAMPLE_CHUNK * SAMPLE_EVERY && chunks % SAMPLE_EVERY != 0) {
                continue;
            }
            int stop = Math.min(end, start + SAMPLE_CHUNK);
            int i = start;
            while (i < stop) {
                int v = data[i] & 0xff;
                int run = runLength(data, i, stop, v);
                freq[v]++;
                if (run >= MIN_RUN) {
                    int rest = run - 1;
                    while (rest >= MIN_MATCH) {
                        int m = Math.min(rest, MAX_MATCH);
                        if (rest - m > 0 && rest - m < MIN_MATCH) {
                            m = rest - MIN_MATCH;
                        }
                        freq[LENGTH_SYMBOL[m]]++;
                        rest -= m;
                    }
                    freq[v] += rest;
                    i += run;
                } else {
                    i++;
                }
            }
        }
        return freq;
    }

    /** How many bytes from {@code i} equal {@code v}, at most {@code end - i}. */
    private static int runLength(byte[] data, int i, int end, int v) {
        // Most bytes of a photo start no run: one comparison decides.
        if (i + 1 >= end || (data[i + 1] & 0xff) != v) {
            return 1;
        }
        int j = i + 2;
        while (j < end && (data[j] & 0xff) == v) {
            j++;
        }
        return j - i;
    }

    private static void writeHeader(BitWriter out, boolean last, int[] litLengths, int[] distLengths) {
        int hlit = LIT_LEN_CODES;
        while (hlit > 257 && litLengths[hlit - 1] == 0) {
            hlit--;
        }
        int hdist = distLengths.length;
        int[] all = new int[hlit + hdist];
        System.arraycopy(litLengths, 0, all, 0, hlit);
        System.arraycopy(distLengths, 0, all, hlit, hdist);
        // Run-length code the code lengths with symbols 16 (repeat previous 3-6), 17 (zeros 3-10), 18 (zeros 11-138).
        int[] syms = new int[all.length];
        int[] extra = new int[all.length];
        int n = 0;
        int[] clFreq = new int[19];
        for (int i = 0; i < all.length;) {
            int v = all[i];
            int run = 1;
            while (i + run < all.length && all[i + run] == v) {
                run++;
            }
            if (v == 0 && run >= 3) {
                int r = Math.min(run, 138);
                if (r >= 11) {
                    syms[n] = 18;
                    extra[n++] = r - 11;
                } else {
                    syms[n] = 17;
                    extra[n++] = r - 3;
                }
                clFreq[syms[n - 1]]++;
                i += r;
            } else if (v != 0 && run >= 4) {
                syms[n++] = v;
                clFreq[v]++;
                int r = Math.min(run - 1, 6);
                syms[n] = 16;
                extra[n++] = r - 3;
                clFreq[16]++;
                i += 1 + r;
            } else {
                syms[n++] = v;
                clFreq[v]++;
                i++;
            }
        }
        int[] clLengths = codeLengths(clFreq, MAX_CODE_LENGTH_BITS);
        int[] clCodes = canonicalReversedCodes(clLengths);
        int hclen = 19;
        while (hclen > 4 && clLengths[CL_ORDER[hclen - 1]] == 0) {
            hclen--;
        }
        out.write(last ? 1 : 0, 1);
        out.write(2, 2); // dynamic Huffman codes
        out.write(hlit - 257, 5);
        out.write(hdist - 1, 5);
        out.write(hclen - 4, 4);
        for (int i = 0; i < hclen; i++) {
            out.write(clLengths[CL_ORDER[i]], 3);
        }
        for (int i = 0; i < n; i++) {
            int s = syms[i];
            out.write(clCodes[s], clLengths[s]);
            if (s == 16) {
                out.write(extra[i], 2);
            } else if (s == 17) {
                out.write(extra[i], 3);
            } else if (s == 18) {
                out.write(extra[i], 7);
            }
        }
    }

    /**
     * Huffman code lengths of at most {@code maxBits} for the given frequencies; symbols that never occur get 0.
     * Where the optimal code would be too deep, the frequencies are flattened (halved, keeping each used symbol at 1
     * or more) until it fits: a little compression lost in rare, very skewed blocks, for a simple exact procedure.
     */
    static int[] codeLengths(int[] freq, int maxBits) {
        int[] f = freq.clone();
        while (true) {
            int[] lengths = huffmanLengths(f);
            int max = 0;
            for (int l : lengths) {
                max = Math.max(max, l);
            }
            if (max <= maxBits) {
                return lengths;
            }
            for (int i = 0; i < f.length; i++) {
                if (f[i] > 0) {
                    f[i] = Math.max(1, f[i] >> 1);
                }
            }
        }
    }

    /** Unlimited Huffman code lengths by the two-queue method over symbols sorted by frequency. */
    private static int[] huffmanLengths(int[] freq) {
        int n = freq.length;
        int used = 0;
        for (int v : freq) {
            if (v > 0) {
                used++;
            }
        }
        int[] lengths = new int[n];
        if (used == 0) {
            return lengths;
        }
        if (used == 1) {
            // One symbol still needs a one-bit code.
            for (int i = 0; i < n; i++) {
                if (freq[i] > 0) {
                    lengths[i] = 1;
                }
            }
            return lengths;
        }
        // Leaves sorted by (frequency, symbol); internal nodes appended in creation order, which is also sorted.
        long[] leaves = new long[used];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (freq[i] > 0) {
                leaves[k++] = (long) freq[i] << 32 | i;
            }
        }
        Arrays.sort(leaves);
        int nodes = 2 * used - 1;
        long[] weight = new long[nodes];
        int[] parent = new int[nodes];
        for (int i = 0; i < used; i++) {
            weight[i] = leaves[i] >>> 32;
        }
        int leafNext = 0;
        int innerNext = used;
        int created = used;
        for (int c = 0; c < used - 1; c++) {
            int a;
            int b;
            if (innerNext >= created || (leafNext < used && weight[leafNext] <= weight[innerNext])) {
                a = leafNext++;
            } else {
                a = innerNext++;
            }
            if (innerNext >= created || (leafNext < used && weight[leafNext] <= weight[innerNext])) {
                b = leafNext++;
            } else {
                b = innerNext++;
            }
            weight[created] = weight[a] + weight[b];
            parent[a] = created;
            parent[b] = created;
            created++;
        }
        int[] depth = new int[nodes];
        for (int i = nodes - 2; i >= 0; i--) {
            depth[i] = depth[parent[i]] + 1;
        }
        for (int i = 0; i < used; i++) {
            lengths[(int) leaves[i]] = depth[i];
        }
        return lengths;
    }

    /** Canonical codes (RFC 1951, 3.2.2), bit-reversed because deflate sends Huffman codes most significant bit first. */
    static int[] canonicalReversedCodes(int[] lengths) {
        int[] blCount = new int[MAX_BITS + 1];
        for (int l : lengths) {
            blCount[l]++;
        }
        blCount[0] = 0;
        int[] next = new int[MAX_BITS + 2];
        int code = 0;
        for (int bits = 1; bits <= MAX_BITS; bits++) {
            code = (code + blCount[bits - 1]) << 1;
            next[bits] = code;
        }
        int[] codes = new int[lengths.length];
        for (int s = 0; s < lengths.length; s++) {
            int l = lengths[s];
            if (l != 0) {
                codes[s] = Integer.reverse(next[l]++) >>> (32 - l);
            }
        }
        return codes;
    }

    /** Deflate's bit order: least significant bit first, into a growing byte array. */
    static final class BitWriter {
        long bits;
        int count;
        byte[] buf;
        int pos;

        BitWriter(int capacity) {
            buf = new byte[Math.max(64, capacity)];
        }

        /** Makes room for {@code more} bytes past the current position and returns the (possibly new) buffer. */
        byte[] ensure(long more) {
            long need = pos + more + 16;
            if (need > buf.length) {
                if (need > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("deflate output over 2 GiB");
                }
                buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16, 2L * buf.length)));
            }
            return buf;
        }

        void write(int value, int n) {
            bits |= (long) (value & ((1 << n) - 1)) << count;
            count += n;
            if (count >= 32) {
                ensure(4);
                buf[pos] = (byte) bits;
                buf[pos + 1] = (byte) (bits >>> 8);
                buf[pos + 2] = (byte) (bits >>> 16);
                buf[pos + 3] = (byte) (bits >>> 24);
                pos += 4;
                bits >>>= 32;
                count -= 32;
            }
        }

        void alignToByte() {
            ensure(8);
            while (count > 0) {
                buf[pos++] = (byte) bits;
                bits >>>= 8;
                count = Math.max(0, count - 8);
            }
            bits = 0;
            count = 0;
        }
    }
}
