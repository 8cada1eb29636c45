package dev.matting.bench;

import dev.matting.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Writes the benchmark's outputs atomically (through the SDK's {@link AtomicFiles}), failing unchecked. */
public final class OutputFiles {
    private OutputFiles() {
    }

    public static void write(Path target, AtomicFiles.Content content) {
        try {
            AtomicFiles.write(target, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public static void writeBytes(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /** Writes an image as PNG through ImageIO (the SDK's encoder is for mattes; charts need any colour model). */
    public static void writePng(Path target, java.awt.image.RenderedImage image) {
        write(target, out -> {
            if (!javax.imageio.ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer installed");
            }
        });
    }
}
