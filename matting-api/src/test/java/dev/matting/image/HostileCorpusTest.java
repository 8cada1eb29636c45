package dev.matting.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.RgbImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed hand-made hostile files ({@code src/test/resources/hostile/}, written by
 * {@code tools/hostile_corpus.py}): each must do what {@code MANIFEST.tsv} says under the default limits, within the
 * hang guard, and a refused bomb must be refused before its raster is allocated.
 */
class HostileCorpusTest {
    /** A refusal from the header costs the reader's header parsing, nothing near a raster. */
    private static final long REFUSAL_ALLOCATION = 8L << 20;

    record Entry(String file, String expected, String why) {
        @Override
        public String toString() {
            return file + " (" + why + ")";
        }
    }

    static Stream<Entry> corpus() {
        String manifest = new String(bytes("MANIFEST.tsv"), StandardCharsets.UTF_8);
        return manifest.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> {
            String[] f = l.split("\t");
            return new Entry(f[0], f[1], f[2]);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachFileDecodesOrIsRefusedAsItsManifestSays(Entry e) {
        DecodeLimits limits = new DecodeLimits(DecodeLimits.DEFAULT_MAX_PIXELS, DecodeLimits.DEFAULT_MAX_BYTES);
        HostileInputs.Outcome o = HostileInputs.decode(e.file(), bytes(e.file()), limits);
        if (e.expected().startsWith("decode:")) {
            assertTrue(o.decoded(), e + ": " + o.error());
            assertEquals(e.expected().substring("decode:".length()), o.image().width() + "x" + o.image().height(),
                    e.toString());
            return;
        }
        assertFalse(o.decoded(), e + " decoded to " + (o.decoded() ? o.image().width() + "x" + o.image().height() : ""));
        String message = o.error().getMessage();
        if (e.expected().equals("refuse:decode budget")) {
            assertTrue(message.contains("above the decode budget of " + String.format(Locale.ROOT, "%,d",
                    limits.maxBytes())) && message.contains("refused before decoding"), message);
        } else if (e.expected().equals("refuse:pixels")) {
            assertTrue(message.contains("pixels, above the limit of " + limits.maxPixels()), message);
        }
        if (e.expected().startsWith("refuse:")) {
            assertTrue(o.allocatedBytes() < REFUSAL_ALLOCATION, e + " allocated " + o.allocatedBytes()
                    + " bytes before it was refused");
        }
    }

    @Test
    void theInterlacedPngDecodesToItsGradient() {
        RgbImage img = HostileInputs.decode("i.png", bytes("png-interlaced-33x17.png"), DecodeLimits.defaults()).image();
        assertNotNull(img);
        for (int y = 0; y < 17; y++) {
            for (int x = 0; x < 33; x++) {
                // tools/hostile_corpus.py gradient(): red rises left to right, green top to bottom, blue is 128
                int want = (x * 255 / 32) << 16 | (y * 255 / 16) << 8 | 128;
                assertEquals(want, img.rgbAt(x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void thePngEXifOrientationIsApplied() {
        RgbImage img = HostileInputs.decode("o.png", bytes("png-exif-orientation-6-8x4.png"), DecodeLimits.defaults())
                .image();
        // orientation 6: stored row 0 becomes the right-hand column; the stored top-left (red 0, green 0) ends up
        // top-right, the stored bottom-left (green 255) top-left
        assertEquals(0 << 16 | 0 << 8 | 128, img.rgbAt(3, 0));
        assertEquals(0 << 16 | 255 << 8 | 128, img.rgbAt(0, 0));
        assertEquals(255 << 16 | 255 << 8 | 128, img.rgbAt(0, 7));
    }

    @Test
    void theManifestListsExactlyTheCommittedFiles() throws Exception {
        Path dir = Path.of(HostileCorpusTest.class.getResource("/hostile").toURI());
        Set<String> present;
        try (Stream<Path> files = Files.list(dir)) {
            present = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("MANIFEST.tsv"))
                    .collect(Collectors.toSet());
        }
        assertEquals(present, corpus().map(Entry::file).collect(Collectors.toSet()));
    }

    static byte[] bytes(String file) {
        try (InputStream in = HostileCorpusTest.class.getResourceAsStream("/hostile/" + file)) {
            assertNotNull(in, "test resource hostile/" + file);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
