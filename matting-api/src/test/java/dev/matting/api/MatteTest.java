package dev.matting.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.matting.common.MattingException;
import dev.matting.common.RgbImage;
import dev.matting.postprocess.Background;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatteTest {
    /** 2x1: a red pixel fully opaque and a green pixel half transparent. */
    private static Matte matte(Background bg) {
        RgbImage src = new RgbImage(2, 1, new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0});
        return new Matte(src, new byte[] {(byte) 255, (byte) 128}, bg);
    }

    @Test
    void rendersMaskCutoutAndComposites() {
        Matte m = matte(Background.transparent());
        assertEquals(255, m.alpha(0, 0));
        assertEquals(128 / 255f, m.alphaFloat(1, 0), 1e-6);
        assertEquals(0.5, m.coverage(200));
        assertEquals(0xffffff, m.toMaskImage().getRGB(0, 0) & 0xffffff);
        BufferedImage rgba = m.toRgbaImage();
        assertEquals(0xffff0000, rgba.getRGB(0, 0));
        assertEquals(0x8000ff00, rgba.getRGB(1, 0));
        BufferedImage onWhite = m.compositeOver(Color.WHITE);
        assertEquals(0xff0000, onWhite.getRGB(0, 0) & 0xffffff);
        // 128/255 green over white: r = b = 127, g = 255
        assertEquals(0x7fff7f, onWhite.getRGB(1, 0) & 0xffffff);
        BufferedImage blue = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                blue.setRGB(x, y, 0x0000ff);
            }
        }
        assertEquals(0x00807f, m.compositeOver(blue).getRGB(1, 0) & 0xffffff);
    }

    @Test
    void writesTheRenderedPngForEachBackground(@TempDir Path dir) throws Exception {
        Path cut = dir.resolve("cut.png");
        matte(Background.transparent()).writePng(cut);
        BufferedImage back = ImageIO.read(cut.toFile());
        assertEquals(0x8000ff00, back.getRGB(1, 0));
        Path solid = dir.resolve("solid.png");
        matte(Background.solid(Color.WHITE)).writePng(solid);
        assertEquals(0xff7fff7f, ImageIO.read(solid.toFile()).getRGB(1, 0));
        Path mask = dir.resolve("mask.png");
        matte(Background.transparent()).writeMaskPng(mask);
        assertEquals(128, ImageIO.read(mask.toFile()).getRaster().getSample(1, 0, 0));
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary files may remain");
        }
    }

    @Test
    void rejectsAnAlphaOfTheWrongSize() {
        RgbImage src = new RgbImage(2, 1, new byte[6]);
        assertThrows(IllegalArgumentException.class, () -> new Matte(src, new byte[3], Background.transparent()));
    }

    @Test
    void writingToAPathThatCannotBeAFileFailsTypedAndNamesThePathAndTheCause(@TempDir Path dir) throws Exception {
        Matte m = matte(Background.transparent());
        MattingException root = assertThrows(MattingException.class, () -> m.writePng(Path.of("/")));
        assertTrue(root.getMessage().contains("'/'") && root.getMessage().contains("root"), root.getMessage());

        Path emptyDir = Files.createDirectory(dir.resolve("out.png"));
        MattingException directory = assertThrows(MattingException.class, () -> m.writePng(emptyDir));
        assertTrue(directory.getMessage().contains(emptyDir.toString())
                && directory.getMessage().contains("is a directory"), directory.getMessage());
        assertTrue(Files.isDirectory(emptyDir), "the directory was replaced by a file");

        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        MattingException underFile = assertThrows(MattingException.class,
                () -> m.writeMaskPng(file.resolve("mask.png")));
        assertTrue(underFile.getMessage().contains(file.resolve("mask.png").toString()), underFile.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files may remain");
        }
    }
}
