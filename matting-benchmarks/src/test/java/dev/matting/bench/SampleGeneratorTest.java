package dev.matting.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.bench.samples.SampleGenerator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SampleGeneratorTest {

    @Property(tries = 25)
    void sameSeedSamePixelsAndAlphaIsSoftEdged(@ForAll @IntRange(min = 48, max = 160) int w,
            @ForAll @IntRange(min = 48, max = 160) int h, @ForAll @IntRange(min = 0, max = 10_000) int seed) {
        SampleGenerator.Scene a = SampleGenerator.scene(w, h, seed);
        SampleGenerator.Scene b = SampleGenerator.scene(w, h, seed);
        assertArrayEquals(a.rgb(), b.rgb());
        assertArrayEquals(a.alpha(), b.alpha());
        // the head sits at (centre, 0.38 h) and the torso runs off the bottom edge: both are opaque
        int[] hist = new int[256];
        for (byte v : a.alpha()) {
            hist[v & 0xff]++;
        }
        assertTrue(hist[255] > 0, "some fully opaque foreground");
        assertTrue(hist[0] > 0, "some pure background");
        assertTrue(Arrays.stream(hist, 1, 255).sum() > 0, "soft edges in between");
    }

    @Test
    void differentSeedsDiffer() {
        assertFalse(Arrays.equals(SampleGenerator.scene(64, 64, 1).rgb(), SampleGenerator.scene(64, 64, 2).rgb()));
    }

    /** The synthetic set (generated on demand now that the repository's samples are real photos) decodes at its size. */
    @Test
    void generatedSamplesDecodeAtTheirStatedSize() throws Exception {
        SampleGenerator.Sample s = SampleGenerator.SAMPLES.get(SampleGenerator.SAMPLES.size() - 1);
        BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(SampleGenerator.jpeg(s)));
        assertEquals(s.width(), img.getWidth(), s.name());
        assertEquals(s.height(), img.getHeight(), s.name());
        assertTrue(Files.isDirectory(Path.of("../samples/photos")), "the demo's photos live in samples/photos");
        try (var left = Files.list(Path.of("../samples"))) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".jpg")),
                    "synthetic samples are generated, not committed");
        }
    }
}
