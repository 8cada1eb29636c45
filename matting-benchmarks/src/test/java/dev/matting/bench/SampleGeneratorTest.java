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

    /** The committed samples/ folder must be what the generator makes (up to JPEG loss) and stay small. */
    @Test
    void committedSamplesMatchTheGenerator() throws Exception {
        Path dir = Path.of("../samples");
        long total = 0;
        for (SampleGenerator.Sample s : SampleGenerator.SAMPLES) {
            Path p = dir.resolve(s.name());
            assertTrue(Files.isRegularFile(p), "missing " + p + " (regenerate: Main --generate-samples samples)");
            total += Files.size(p);
            BufferedImage img = ImageIO.read(p.toFile());
            assertEquals(s.width(), img.getWidth(), s.name());
            assertEquals(s.height(), img.getHeight(), s.name());
            byte[] rgb = SampleGenerator.scene(s.width(), s.height(), s.seed()).rgb();
            long diff = 0;
            for (int y = 0; y < img.getHeight(); y += 3) {
                for (int x = 0; x < img.getWidth(); x += 3) {
                    int px = img.getRGB(x, y);
                    int i = 3 * (y * img.getWidth() + x);
                    diff += Math.abs(((px >> 16) & 0xff) - (rgb[i] & 0xff)) + Math.abs(((px >> 8) & 0xff) - (rgb[i + 1] & 0xff))
                            + Math.abs((px & 0xff) - (rgb[i + 2] & 0xff));
                }
            }
            double mean = diff / (3.0 * ((img.getHeight() + 2) / 3) * ((img.getWidth() + 2) / 3));
            assertTrue(mean < 4, s.name() + " differs from the generator by " + mean + " per channel");
        }
        assertTrue(total < 2_000_000, "samples total " + total + " bytes");
    }
}
