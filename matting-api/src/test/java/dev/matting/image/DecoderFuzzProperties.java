package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing the decoder: mutations of valid PNG, JPEG, GIF and BMP files (truncation at any offset, bit flips, edited
 * header dimensions and bit depths, duplicated and removed chunks or segments, in combination) must each end, within
 * the hang guard, in a decoded image or an {@link dev.matting.common.ImageDecodeException} naming the input, and the
 * decoding thread must allocate no more than the decode budget allows (it is checked from the header, before the
 * raster exists).
 */
class DecoderFuzzProperties {
    /** A small budget, so that edited headers declaring anything larger must be refused before allocation. */
    static final DecodeLimits LIMITS = new DecodeLimits(DecodeLimits.DEFAULT_MAX_PIXELS, 16L << 20);
    /**
     * What a decode may allocate in all, garbage included: per reader tried (the JPEG readers fall back to the JDK's,
     * so up to two), the budget's peak (raster and RGB copy) once more for row buffers and stream caches, plus, for a
     * progressive JPEG, a raster's worth of row garbage per scan (the JDK reader converts the whole image after each;
     * the raster is at most a quarter of a progressive decode's peak), plus a constant for the readers' tables.
     */
    static long allocationBound(byte[] bytes) {
        int scans = DecodeCost.progressiveComponents(bytes) > 0 ? DecodeCost.jpegScans(bytes) : 0;
        return 2 * (LIMITS.maxBytes() + scans * (LIMITS.maxBytes() / 4)) + (8L << 20);
    }

    private static final List<Seed> SEEDS = new ArrayList<>();

    /** One valid file the mutations start from. */
    record Seed(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name + " (" + bytes.length + " bytes)";
        }
    }

    /** One edit of the bytes, with a description jqwik reports when a try fails. */
    record Mutation(String description, UnaryOperator<byte[]> edit) {
        @Override
        public String toString() {
            return description;
        }
    }

    @BeforeContainer
    static void seeds() {
        if (!SEEDS.isEmpty()) {
            return;
        }
        BufferedImage rgb = scene(40, 30, BufferedImage.TYPE_INT_RGB);
        SEEDS.add(new Seed("rgb.png", TestImages.encode(rgb, "png")));
        SEEDS.add(new Seed("rgba.png", TestImages.encode(scene(33, 21, BufferedImage.TYPE_4BYTE_ABGR), "png")));
        SEEDS.add(new Seed("grey16.png", TestImages.encode(scene(24, 16, BufferedImage.TYPE_USHORT_GRAY), "png")));
        SEEDS.add(new Seed("palette.png", TestImages.encode(scene(31, 17, BufferedImage.TYPE_BYTE_INDEXED), "png")));
        SEEDS.add(new Seed("1bit.png", TestImages.encode(scene(29, 13, BufferedImage.TYPE_BYTE_BINARY), "png")));
        SEEDS.add(new Seed("interlaced.png", progressive(rgb, "png")));
        SEEDS.add(new Seed("baseline.jpg", TestImages.jpeg(rgb, 0.9f)));
        SEEDS.add(new Seed("progressive.jpg", progressive(rgb, "jpeg")));
        SEEDS.add(new Seed("grey.jpg", TestImages.jpeg(scene(24, 24, BufferedImage.TYPE_BYTE_GRAY), 0.8f)));
        SEEDS.add(new Seed("exif.jpg", TestImages.withOrientation(TestImages.jpeg(rgb, 0.8f), 6)));
        SEEDS.add(new Seed("palette.gif", TestImages.encode(scene(37, 19, BufferedImage.TYPE_BYTE_INDEXED), "gif")));
        SEEDS.add(new Seed("rgb.bmp", TestImages.encode(scene(21, 11, BufferedImage.TYPE_3BYTE_BGR), "bmp")));
        SEEDS.add(new Seed("palette.bmp", TestImages.encode(scene(16, 9, BufferedImage.TYPE_BYTE_INDEXED), "bmp")));
        for (Seed s : SEEDS) {
            // every seed is valid: the mutations, not the seeds, make the inputs hostile
            HostileInputs.Outcome o = HostileInputs.decode(s.name(), s.bytes(), LIMITS);
            assertTrue(o.decoded(), s.name() + ": " + o.error());
        }
    }

    @Property(tries = 400)
    void everyMutationDecodesOrFailsTypedWithinBudget(@ForAll("hostile") List<Object> input) {
        Seed seed = (Seed) input.get(0);
        @SuppressWarnings("unchecked")
        List<Mutation> mutations = (List<Mutation>) input.get(1);
        byte[] bytes = seed.bytes();
        for (Mutation m : mutations) {
            bytes = m.edit().apply(bytes);
        }
        String name = "fuzz-" + seed.name();
        HostileInputs.Outcome outcome;
        try {
            outcome = HostileInputs.decode(name, bytes, LIMITS);
        } catch (AssertionError e) {
            keep(name, bytes);
            throw new AssertionError(seed + " after " + mutations + ": " + e.getMessage(), e);
        }
        long bound = allocationBound(bytes);
        if (outcome.allocatedBytes() > bound) {
            keep(name, bytes);
        }
        assertTrue(outcome.allocatedBytes() <= bound, String.format(Locale.ROOT,
                "%s after %s allocated %,d bytes, above %,d for a budget of %,d (%s)", seed, mutations,
                outcome.allocatedBytes(), bound, LIMITS.maxBytes(),
                outcome.decoded() ? "decoded" : outcome.error().getMessage()));
    }

    @Provide
    Arbitrary<List<Object>> hostile() {
        Arbitrary<Seed> seed = Arbitraries.of(SEEDS);
        Arbitrary<List<Mutation>> edits = mutation().list().ofMinSize(1).ofMaxSize(3);
        return Combinators.combine(seed, edits).as(List::of);
    }

    private static Arbitrary<Mutation> mutation() {
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
        Arbitrary<Mutation> truncate = at.map(f -> new Mutation(String.format(Locale.ROOT, "truncate at %.3f", f),
                b -> java.util.Arrays.copyOf(b, (int) (b.length * f))));
        Arbitrary<Mutation> flips = Combinators.combine(at.list().ofMinSize(1).ofMaxSize(8),
                Arbitraries.integers().between(0, 7)).as((where, bit) -> new Mutation("flip bit " + bit + " at " + where,
                        b -> {
                            byte[] out = HostileInputs.copy(b);
                            for (double f : where) {
                                int i = Math.min(out.length - 1, (int) (out.length * f));
                                if (i >= 0) {
                                    out[i] ^= (byte) (1 << bit);
                                }
                            }
                            return out;
                        }));
        Arbitrary<Long> size = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 2L, 255L, 256L, 4095L, 65_535L, 65_536L, 1L << 20, 0x7fff_ffffL, 0xffff_ffffL),
                Arbitraries.longs().between(1, 20_000));
        Arbitrary<Mutation> dimensions = Combinators.combine(size, size).as((w, h) -> new Mutation(
                "size " + w + "x" + h, b -> {
                    HostileInputs.SizeFields f = HostileInputs.sizeFields(b);
                    if (f == null) {
                        return b;
                    }
                    byte[] out = HostileInputs.copy(b);
                    HostileInputs.writeField(out, f.widthAt(), f.bytes(), f.bigEndian(), w);
                    HostileInputs.writeField(out, f.heightAt(), f.bytes(), f.bigEndian(), h);
                    return HostileInputs.fixPngCrcs(out);
                }));
        Arbitrary<Mutation> depth = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.of(0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 0xc2, 0xff)).as((which, v) -> new Mutation(
                        "depth field " + which + " = " + v, b -> {
                            int[] fields = HostileInputs.depthFields(b);
                            if (fields.length == 0) {
                                return b;
                            }
                            byte[] out = HostileInputs.copy(b);
                            out[fields[which % fields.length]] = (byte) (int) v;
                            return HostileInputs.fixPngCrcs(out);
                        }));
        Arbitrary<Mutation> duplicate = at.map(f -> new Mutation(String.format(Locale.ROOT, "duplicate part at %.3f", f),
                b -> {
                    HostileInputs.Span s = span(b, f);
                    return HostileInputs.splice(b, s.end(), s.end(),
                            java.util.Arrays.copyOfRange(b, s.start(), s.end()));
                }));
        Arbitrary<Mutation> remove = at.map(f -> new Mutation(String.format(Locale.ROOT, "remove part at %.3f", f),
                b -> {
                    HostileInputs.Span s = span(b, f);
                    return HostileInputs.splice(b, s.start(), s.end(), new byte[0]);
                }));
        return Arbitraries.oneOf(truncate, flips, dimensions, depth, duplicate, remove);
    }

    /** A PNG chunk or JPEG segment picked by position; for other formats a byte range of up to 64 bytes. */
    private static HostileInputs.Span span(byte[] b, double f) {
        List<HostileInputs.Span> parts = HostileInputs.isPng(b) ? HostileInputs.pngChunks(b)
                : HostileInputs.jpegSegments(b);
        if (!parts.isEmpty()) {
            return parts.get(Math.min(parts.size() - 1, (int) (parts.size() * f)));
        }
        int start = Math.min(b.length, (int) (b.length * f));
        return new HostileInputs.Span(start, Math.min(b.length, start + 64));
    }

    private static BufferedImage scene(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(20, 80, 200), w, h, new Color(250, 220, 30)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(200, 30, 40, 180));
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return img;
    }

    /** An Adam7-interlaced PNG or a progressive JPEG, through ImageIO's writers in their progressive mode. */
    private static byte[] progressive(BufferedImage img, String format) {
        ImageWriter w = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** Leaves a failing input in target/fuzz-failures/ to reproduce it outside jqwik. */
    private static void keep(String name, byte[] bytes) {
        try {
            Path dir = Path.of("target", "fuzz-failures");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + "-" + Integer.toHexString(java.util.Arrays.hashCode(bytes))), bytes);
        } catch (IOException e) {
            // the assertion message still carries the mutation list and seed
        }
    }
}
