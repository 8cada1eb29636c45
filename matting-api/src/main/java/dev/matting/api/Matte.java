package dev.matting.api;

import dev.matting.common.MattingException;
import dev.matting.common.RgbImage;
import dev.matting.image.PngEncoder;
import dev.matting.io.AtomicFiles;
import dev.matting.postprocess.Background;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The result of matting one image: an 8-bit alpha at the source's full resolution, the decoded source, and the
 * background chosen by post-processing, with helpers to render a mask, a cut-out or a composite and write PNGs.
 * Immutable and safe to share.
 */
public final class Matte {
    private final RgbImage source;
    private final byte[] alpha;
    private final Background background;

    /** @param alpha {@code source.width() x source.height()} values, handed over (not copied) */
    public Matte(RgbImage source, byte[] alpha, Background background) {
        this.source = Objects.requireNonNull(source, "source");
        this.alpha = Objects.requireNonNull(alpha, "alpha");
        this.background = Objects.requireNonNull(background, "background");
        if (alpha.length != source.width() * source.height()) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values for a " + source.width() + "x"
                    + source.height() + " image");
        }
    }

    public int width() {
        return source.width();
    }

    public int height() {
        return source.height();
    }

    /** Alpha of one pixel, 0 (background) to 255 (foreground). */
    public int alpha(int x, int y) {
        return alpha[y * source.width() + x] & 0xff;
    }

    /** Alpha of one pixel in [0, 1]. */
    public float alphaFloat(int x, int y) {
        return alpha(x, y) / 255f;
    }

    /** A copy of the whole alpha plane, row-major. */
    public byte[] alphaBytes() {
        return alpha.clone();
    }

    /** The whole alpha plane as floats in [0, 1], row-major. */
    public float[] alphaFloats() {
        float[] f = new float[alpha.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (alpha[i] & 0xff) / 255f;
        }
        return f;
    }

    /** The decoded source (EXIF orientation applied, 8-bit RGB). */
    public RgbImage source() {
        return source;
    }

    public Background background() {
        return background;
    }

    /** Fraction of pixels whose alpha is at least {@code threshold} (0-255). */
    public double coverage(int threshold) {
        long n = 0;
        for (byte b : alpha) {
            if ((b & 0xff) >= threshold) {
                n++;
            }
        }
        return (double) n / alpha.length;
    }

    /** The alpha as a grey image: white foreground on black. */
    public BufferedImage toMaskImage() {
        BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(alpha, 0, data, 0, alpha.length);
        return img;
    }

    /** The cut-out: source colours with this alpha, transparent background. */
    public BufferedImage toRgbaImage() {
        BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_ARGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        byte[] rgb = source.rgb();
        for (int i = 0; i < px.length; i++) {
            px[i] = (alpha[i] & 0xff) << 24 | (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        return img;
    }

    /** The cut-out over a solid colour. */
    public BufferedImage compositeOver(Color color) {
        int r = color.getRed();
        int g = color.getGreen();
        int b = color.getBlue();
        return composite((i, c) -> c == 0 ? r : c == 1 ? g : b);
    }

    /** The cut-out over another image, which is scaled to this matte's size when it differs. */
    public BufferedImage compositeOver(BufferedImage backdrop) {
        BufferedImage bg = backdrop;
        if (bg.getWidth() != width() || bg.getHeight() != height()) {
            bg = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g2 = bg.createGraphics();
            g2.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g2.drawImage(backdrop, 0, 0, width(), height(), null);
            g2.dispose();
        }
        int[] bgRgb = bg.getRGB(0, 0, width(), height(), null, 0, width());
        return composite((i, c) -> (bgRgb[i] >> (16 - 8 * c)) & 0xff);
    }

    private interface BackdropSample {
        int at(int pixel, int channel);
    }

    private BufferedImage composite(BackdropSample backdrop) {
        BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        byte[] rgb = source.rgb();
        for (int i = 0; i < px.length; i++) {
            int a = alpha[i] & 0xff;
            int out = 0;
            for (int c = 0; c < 3; c++) {
                int v = ((rgb[3 * i + c] & 0xff) * a + backdrop.at(i, c) * (255 - a) + 127) / 255;
                out = out << 8 | v;
            }
            px[i] = out;
        }
        return img;
    }

    /** The output the post-processing asked for: the RGBA cut-out, or the composite over the solid background. */
    public BufferedImage render() {
        return background.color().map(this::compositeOver).orElseGet(this::toRgbaImage);
    }

    /**
     * Encodes {@link #render()} as PNG bytes (RGBA for a transparent background, with fully transparent pixels written
     * as transparent black; RGB over a solid one).
     */
    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(width() * height());
        try {
            writePng(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes {@link #render()} as PNG to a stream. */
    public void writePng(OutputStream out) throws IOException {
        if (background.isTransparent()) {
            PngEncoder.writeRgba(out, width(), height(), source.rgb(), alpha);
        } else {
            BufferedImage img = render();
            int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
            byte[] rgb = new byte[3 * px.length];
            for (int i = 0; i < px.length; i++) {
                rgb[3 * i] = (byte) (px[i] >> 16);
                rgb[3 * i + 1] = (byte) (px[i] >> 8);
                rgb[3 * i + 2] = (byte) px[i];
            }
            PngEncoder.write(out, width(), height(), rgb, PngEncoder.Layout.RGB);
        }
    }

    /** Writes {@link #render()} as a PNG file, atomically: a failure leaves no partial file behind. */
    public void writePng(Path file) {
        writeAtomically(file, this::writePng);
    }

    /** Writes the alpha alone as a grey PNG file, atomically. */
    public void writeMaskPng(Path file) {
        writeAtomically(file, out -> PngEncoder.write(out, width(), height(), alpha, PngEncoder.Layout.GRAY));
    }

    private static void writeAtomically(Path file, AtomicFiles.Content content) {
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw new MattingException("cannot write PNG '" + file + "': " + e, e);
        }
    }
}
