package dev.matting.api;

import dev.matting.common.MattingException;
import dev.matting.common.RgbImage;
import dev.matting.image.JpegWriter;
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
 * The result of matting one image: an 8-bit alpha at the source's full resolution, the decoded source, the
 * background chosen by post-processing and the {@link Output} asked for, with helpers to render a mask, a cut-out or
 * a composite and to write them. Immutable and safe to share.
 */
public final class Matte {
    private final RgbImage source;
    private final byte[] alpha;
    private final Background background;
    private final Output output;

    /** A matte that {@link #write(Path)}s as {@link Output#png()}. */
    public Matte(RgbImage source, byte[] alpha, Background background) {
        this(source, alpha, background, Output.png());
    }

    /**
     * A matte that {@link #write(Path)}s as {@code output}.
     *
     * @param alpha {@code source.width() x source.height()} values, handed over (not copied)
     */
    public Matte(RgbImage source, byte[] alpha, Background background, Output output) {
        this.source = Objects.requireNonNull(source, "source");
        this.alpha = Objects.requireNonNull(alpha, "alpha");
        this.background = Objects.requireNonNull(background, "background");
        this.output = Objects.requireNonNull(output, "output");
        if (alpha.length != source.width() * source.height()) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values for a " + source.width() + "x"
                    + source.height() + " image");
        }
    }

    /** The same matte (sharing its pixels) written as {@code value} by {@link #write(Path)}. */
    public Matte withOutput(Output value) {
        return value.equals(output) ? this : new Matte(source, alpha, background, value);
    }

    /** What {@link #write(Path)} and {@link #encode()} produce. */
    public Output output() {
        return output;
    }

    /** Width in pixels: the source's. */
    public int width() {
        return source.width();
    }

    /** Height in pixels: the source's. */
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

    /** What {@link #render()} puts behind the cut-out: the post-processing's background, or the call's own. */
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

    /**
     * The cut-out over another image; a backdrop of another size is scaled to cover this matte, keeping its aspect
     * ratio, and cropped evenly (never stretched).
     */
    public BufferedImage compositeOver(BufferedImage backdrop) {
        return compositeOver(Background.image(backdrop, Background.Fit.COVER));
    }

    /** The cut-out over a colour or a fitted image; over white when {@code backdrop} is transparent. */
    public BufferedImage compositeOver(Background backdrop) {
        Background bg = backdrop.isTransparent() ? Background.solid(Color.WHITE) : backdrop;
        if (bg.color().isPresent()) {
            return compositeOver(bg.color().get());
        }
        int[] bgRgb = bg.pixels(width(), height());
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

    /**
     * The picture the post-processing asked for: the RGBA cut-out, or the composite over the solid or image
     * background. Ignores {@link #output()}; see {@link #render(Output)}.
     */
    public BufferedImage render() {
        return background.isTransparent() ? toRgbaImage() : compositeOver(background);
    }

    /**
     * The picture {@code out} writes: the grey mask for a mask output; for a JPEG the composite over the background
     * (over white when it is transparent, as JPEG has no alpha); else {@link #render()}.
     */
    public BufferedImage render(Output out) {
        if (out.isMask()) {
            return toMaskImage();
        }
        if (out.format() == Output.Format.JPEG) {
            return compositeOver(background);
        }
        return render();
    }

    /** Encodes this matte as {@link #output()} asks (PNG by default). */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(width() * height());
        try {
            write(out, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes this matte as {@link #output()} asks to a file, atomically: a failure leaves no partial file behind. */
    public void write(Path file) {
        writeAtomically(file, out -> write(out, output), output.format().name());
    }

    /** Writes this matte to a stream as {@code out} asks: mask or image, PNG or JPEG. */
    public void write(OutputStream stream, Output out) throws IOException {
        if (out.format() == Output.Format.JPEG) {
            JpegWriter.write(stream, render(out), out.quality());
        } else if (out.isMask()) {
            PngEncoder.write(stream, width(), height(), alpha, PngEncoder.Layout.GRAY);
        } else {
            writePng(stream);
        }
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
        writeAtomically(file, this::writePng, "PNG");
    }

    /** Writes the alpha alone as a grey PNG file, atomically. */
    public void writeMaskPng(Path file) {
        writeAtomically(file, out -> write(out, Output.mask()), "PNG");
    }

    private static void writeAtomically(Path file, AtomicFiles.Content content, String format) {
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw new MattingException("cannot write " + format + " '" + file + "': " + e, e);
        }
    }
}
