package dev.matting.bench.matte;

import dev.matting.model.ModelSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The committed tiny U-Net (models/unet-tiny, real weights, FP32 TorchScript and ONNX) behind a model.json that
 * feeds it 64 px instead of 384 px. The net is fully convolutional, so it runs as it is, 36 times fewer pixels per
 * pass: enough for tests that push thousands of real forward passes through the batch machinery on a 2-core CI
 * machine. Tests of what a model does use the embedded default at its own size.
 */
final class SmallModel {
    private static final Path TINY = Path.of("../models/unet-tiny");

    private SmallModel() {
    }

    /** A model folder in {@code dir}: the tiny model's FP32 files and a 64 px model.json. */
    static Path folder(Path dir) {
        try {
            Path m = Files.createDirectories(dir.resolve("small-model"));
            for (String f : new String[] {"unet-tiny-fp32.pt", "unet-tiny-fp32.onnx"}) {
                if (!Files.exists(m.resolve(f))) {
                    Files.copy(TINY.resolve(f), m.resolve(f));
                }
            }
            String json = Files.readString(TINY.resolve("model.json"))
                    .replaceAll("\"size\"\\s*:\\s*384", "\"size\": 64")
                    .replaceAll(",\\s*\"fp16\"\\s*:\\s*\"[^\"]+\"", "")
                    .replace("\"name\": \"unet-tiny\"", "\"name\": \"unet-tiny-64\"");
            if (!json.contains("\"size\": 64")) {
                throw new IllegalStateException("models/unet-tiny/model.json changed shape: " + json);
            }
            Files.writeString(m.resolve("model.json"), json);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelSpec spec(Path dir) {
        return ModelSpec.load(folder(dir));
    }

    /** A subject the tiny model separates well: a light disc ({@code kind} 0) or a light square (1) on dark stripes. */
    static BufferedImage picture(int kind, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int y = 0; y < h; y += 4) {
            g.setColor(y % 8 == 0 ? new Color(30, 40, 60) : new Color(50, 30, 40));
            g.fillRect(0, y, w, 4);
        }
        g.setColor(new Color(230, 200, 170));
        if (kind == 0) {
            g.fillOval(w / 4, h / 6, w / 2, h * 2 / 3);
        } else {
            g.fillRect(w / 5, h / 5, w * 3 / 5, h * 3 / 5);
        }
        g.dispose();
        return img;
    }

    /** Writes {@code count} pictures as PNGs named {@code p0000.png}... into {@code dir}, split over sub-folders. */
    static void writePictures(Path dir, int count, int w, int h) throws IOException {
        for (int i = 0; i < count; i++) {
            Path f = dir.resolve(String.format("g%d/p%04d.png", i % 3, i));
            Files.createDirectories(f.getParent());
            ImageIO.write(picture(i % 2, w, h), "png", f.toFile());
        }
    }
}
