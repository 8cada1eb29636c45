package dev.matting.bench.matte;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.api.BatchJob;
import dev.matting.api.Matte;
import dev.matting.api.MatteOptions;
import dev.matting.api.Matter;
import dev.matting.api.Matters;
import dev.matting.api.Output;
import dev.matting.common.ImageSource;
import dev.matting.postprocess.Background;
import dev.matting.postprocess.PostProcess;
import dev.matting.postprocess.Preset;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Per-call options on one open Matter (the embedded model, whichever it is): each call's post-processing is exactly
 * the preset applied to the model's own alpha (computed independently by {@link PostProcess#apply}), the Matter's
 * own options stay the default, and outputs come in the kind asked for.
 */
class PerCallOptionsTest {
    private static final BufferedImage PICTURE = SmallModel.picture(0, 160, 120);

    @Test
    void presetsPerCallOnOneMatterEqualThePresetAppliedToTheRawAlpha() {
        try (Matter matter = Matters.builder().preset(Preset.AVATAR).create()) {
            ImageSource src = ImageSource.of("disc", PICTURE);
            byte[] raw = matter.matte(src, MatteOptions.builder().postProcess(PostProcess.NONE).build()).alphaBytes();
            assertTrue(coverage(raw) > 0.05, "the model found no subject: " + coverage(raw));
            byte[] id = matter.matte(src, MatteOptions.of(Preset.ID_PHOTO)).alphaBytes();
            byte[] complex = matter.matte(src, MatteOptions.of(Preset.COMPLEX_BACKGROUND)).alphaBytes();
            byte[] byDefault = matter.matte(src).alphaBytes();
            assertArrayEquals(Preset.ID_PHOTO.postProcess().apply(raw, 160, 120), id);
            assertArrayEquals(Preset.COMPLEX_BACKGROUND.postProcess().apply(raw, 160, 120), complex);
            assertArrayEquals(Preset.AVATAR.postProcess().apply(raw, 160, 120), byDefault,
                    "a call without options keeps the Matter's preset");
            assertFalse(java.util.Arrays.equals(id, complex), "two presets gave the same alpha");
            assertEquals(4, matter.stats().submitted(), "one forward pass per call, on the one model");
        }
    }

    @Test
    void aJobsOptionsApplyToEveryItemAndOutputKindsComeOutAsAsked() throws Exception {
        try (Matter matter = Matters.create()) {
            Matte plain = matter.matte(ImageSource.of(PICTURE));
            Map<Long, Matte> got = new ConcurrentHashMap<>();
            BatchJob.builder(matter).sources(List.of(ImageSource.of(PICTURE), ImageSource.of(PICTURE)))
                    .options(MatteOptions.builder().output(Output.mask()).background(Background.solid(Color.RED)).build())
                    .sink(i -> got.put(i.index(), i.matte())).build().run();
            for (Matte m : got.values()) {
                assertTrue(m.output().isMask());
                BufferedImage mask = ImageIO.read(new ByteArrayInputStream(m.encode()));
                assertEquals(BufferedImage.TYPE_BYTE_GRAY, mask.getType());
                assertEquals(plain.alpha(80, 60), mask.getRaster().getSample(80, 60, 0));
                assertEquals(plain.alpha(3, 3), mask.getRaster().getSample(3, 3, 0));
            }
            Matte jpeg = matter.matte(ImageSource.of(PICTURE), MatteOptions.of(Output.jpeg()));
            BufferedImage j = ImageIO.read(new ByteArrayInputStream(jpeg.encode()));
            assertFalse(j.getColorModel().hasAlpha());
            // a background corner the model calls background (alpha 0) is white in a JPEG of a transparent matte
            if (plain.alpha(1, 1) == 0) {
                assertTrue((j.getRGB(1, 1) & 0xff) > 230, Integer.toHexString(j.getRGB(1, 1)));
            }
        }
    }

    private static double coverage(byte[] alpha) {
        long n = 0;
        for (byte b : alpha) {
            if ((b & 0xff) >= 128) {
                n++;
            }
        }
        return (double) n / alpha.length;
    }
}
