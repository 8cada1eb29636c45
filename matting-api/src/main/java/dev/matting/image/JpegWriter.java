package dev.matting.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Encodes an opaque image (RGB or grey) as baseline JPEG through ImageIO with an explicit quality. JPEG has no alpha:
 * callers composite first. Thread-safe: each call uses its own writer.
 */
public final class JpegWriter {
    private JpegWriter() {
    }

    /**
     * @param image   {@code TYPE_INT_RGB}, {@code TYPE_3BYTE_BGR} or {@code TYPE_BYTE_GRAY} (an alpha channel would be
     *                written as a fourth colour channel by some writers, so it is refused)
     * @param quality ImageIO's compression quality in (0, 1]; 0.92 is visually lossless for photos
     */
    public static void write(OutputStream out, BufferedImage image, float quality) throws IOException {
        if (image.getColorModel().hasAlpha()) {
            throw new IllegalArgumentException("JPEG has no alpha: composite the image over a background first");
        }
        if (!(quality > 0 && quality <= 1)) {
            throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + quality);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IOException("no ImageIO JPEG writer is installed");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(new NonClosing(out))) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
            ios.flush();
        } finally {
            writer.dispose();
        }
    }

    /** Closing the ImageIO stream must not close the caller's stream, which the caller owns. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
