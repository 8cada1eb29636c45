package dev.matting.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.RgbImage;
import dev.matting.image.JpegWriter;
import dev.matting.postprocess.Background;
import dev.matting.postprocess.PostProcess;
import dev.matting.postprocess.Preset;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output kinds and per-call options: what each writes, and how options fall back to the Matter's. */
class OutputTest {
    /** 16x8: left half opaque red, right half transparent. */
    private static Matte matte(Background bg) {
        byte[] rgb = new byte[16 * 8 * 3];
        byte[] alpha = new byte[16 * 8];
        for (int i = 0; i < alpha.length; i++) {
            rgb[3 * i] = (byte) 255;
            alpha[i] = (byte) (i % 16 < 8 ? 255 : 0);
        }
        return new Matte(new RgbImage(16, 8, rgb), alpha, bg);
    }

    private static BufferedImage decode(byte[] b) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(b));
    }

    @Test
    void theMaskIsTheAlphaExactlyAsGreyPng() throws Exception {
        Matte m = matte(Background.solid(Color.BLUE)).withOutput(Output.mask());
        BufferedImage mask = decode(m.encode());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, mask.getType());
        byte[] back = new byte[16 * 8];
        mask.getRaster().getDataElements(0, 0, 16, 8, back);
        assertArrayEquals(m.alphaBytes(), back);
    }

    @Test
    void jpegHasNoAlphaAndGoesOverWhiteWhenTheBackgroundIsTransparent() throws Exception {
        BufferedImage j = decode(matte(Background.transparent()).withOutput(Output.jpeg()).encode());
        assertFalse(j.getColorModel().hasAlpha());
        assertTrue((j.getRGB(14, 4) & 0xffffff) > 0xf0f0f0, Integer.toHexString(j.getRGB(14, 4)));
        int red = j.getRGB(2, 4);
        assertTrue((red >> 16 & 0xff) > 230 && (red >> 8 & 0xff) < 30, Integer.toHexString(red));
        BufferedImage onBlack = decode(matte(Background.solid(Color.BLACK)).withOutput(Output.jpeg()).encode());
        assertTrue((onBlack.getRGB(14, 4) & 0xffffff) < 0x101010);
        assertThrows(IllegalArgumentException.class, () -> JpegWriter.write(new ByteArrayOutputStream(),
                new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB), 0.9f));
        assertThrows(IllegalArgumentException.class, () -> Output.jpeg().withQuality(0f));
    }

    @Test
    void pngIsRgbaForTransparentAndAFittedCompositeForAnImage(@TempDir Path dir) throws Exception {
        assertTrue(decode(matte(Background.transparent()).encode()).getColorModel().hasAlpha());
        BufferedImage green = new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                green.setRGB(x, y, 0x00ff00);
            }
        }
        Path file = dir.resolve("sub/out.png");
        matte(Background.image(green, Background.Fit.COVER)).write(file);
        BufferedImage c = ImageIO.read(file.toFile());
        assertFalse(c.getColorModel().hasAlpha());
        assertEquals(0xff0000, c.getRGB(2, 4) & 0xffffff);
        assertEquals(0x00ff00, c.getRGB(14, 4) & 0xffffff);
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "written atomically, no temporary file left");
        }
        assertEquals("jpg", Output.jpeg().extension());
        assertEquals(Output.Format.JPEG, Output.Format.parse("JPEG"));
        assertThrows(IllegalArgumentException.class, () -> Output.Format.parse("gif"));
    }

    @Test
    void optionsFallBackToTheMattersAndABackgroundOverridesOnlyTheBackground() {
        PostProcess matters = Preset.AVATAR.postProcess();
        assertEquals(matters, MatteOptions.defaults().resolve(matters));
        assertEquals(Preset.ID_PHOTO.postProcess(), MatteOptions.of(Preset.ID_PHOTO).resolve(matters));
        PostProcess onWhite = MatteOptions.builder().background(Background.solid(Color.WHITE)).build().resolve(matters);
        assertEquals(matters.alphaThreshold(), onWhite.alphaThreshold());
        assertEquals(matters.erosionRadius(), onWhite.erosionRadius());
        assertEquals(Color.WHITE, onWhite.background().color().orElseThrow());
        assertEquals(Output.png(), MatteOptions.defaults().output());
        assertEquals(MatteOptions.of(Output.mask()), MatteOptions.builder().output(Output.mask()).build());
    }
}
