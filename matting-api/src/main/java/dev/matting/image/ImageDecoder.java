package dev.matting.image;

import dev.matting.common.ImageDecodeException;
import dev.matting.common.ImageSource;
import dev.matting.common.RgbImage;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes any supported input to 8-bit sRGB with EXIF orientation applied.
 *
 * <p>Formats are those {@link ImageIO} reads (JPEG through TwelveMonkeys, including CMYK and YCCK; PNG, BMP, GIF,
 * TIFF, WBMP). Grey, palette, 1/2/4/16-bit and other colour models all come out as 8-bit RGB (16-bit samples are
 * rounded, not truncated). Images with an alpha channel are composited over white: pixels under alpha 0 often hold
 * garbage colour (whatever the editor left there), and the model must not see it. The EXIF orientation tag (all
 * eight values, from a JPEG's APP1, a PNG's eXIf chunk or a TIFF's first IFD) is applied, so the result is upright as
 * a viewer shows it; a {@link BufferedImage} source is taken as already upright.
 *
 * <p>Data that ends early fails even where a reader would paper over it: the JPEG readers only warn ("Premature end
 * of JPEG file", "Truncated File - Missing EOI marker") and fill the rest with grey, which would silently give a
 * wrong matte, so those warnings are treated as errors.
 *
 * <p>To stop decompression bombs, the header is checked against {@link DecodeLimits} before any pixel memory is
 * allocated: the declared pixel count, and the bytes decoding it will take ({@link DecodeCost}: the reader's raster at
 * its bit depth and channel count, progressive-JPEG coefficients, the RGB copy). An {@link OutOfMemoryError} while
 * decoding (several large images at once on a small heap) fails that input with an {@link ImageDecodeException} too.
 * Every failure, whatever the bytes, is an {@link ImageDecodeException} naming the input and the cause.
 */
public final class ImageDecoder {
    private ImageDecoder() {
    }

    /**
     * The upright 8-bit RGB image of a source, within {@link DecodeLimits#defaults()}.
     *
     * @throws ImageDecodeException naming the source and the cause: no such file, empty input, unknown format,
     *         truncated or corrupt data, or more pixels or bytes than the limits
     */
    public static RgbImage decode(ImageSource source) {
        return decode(source, DecodeLimits.defaults());
    }

    /**
     * The upright 8-bit RGB image of a source, refusing from its header alone an image above {@code limits}.
     *
     * @throws ImageDecodeException naming the source and the cause: no such file, empty input, unknown format,
     *         truncated or corrupt data, more pixels or bytes than the limits, or no memory left to decode it
     */
    public static RgbImage decode(ImageSource source, DecodeLimits limits) {
        String name = source.name();
        DecodeCost[] cost = new DecodeCost[1];
        try {
            if (source.image().isPresent()) {
                return toRgb(source.image().get(), name, false);
            }
            byte[] bytes = source.encoded().orElseThrow(() -> new ImageDecodeException(name, "source holds no image"));
            if (bytes.length == 0) {
                throw new ImageDecodeException(name, "empty input (0 bytes)");
            }
            int orientation = ExifOrientation.read(bytes);
            RgbImage rgb = toRgb(read(bytes, name, limits, orientation, cost), name, true);
            return orientation <= 1 ? rgb : Orientation.apply(rgb, orientation);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException(name, "ran out of memory while decoding"
                    + (cost[0] == null ? "" : " " + cost[0].describe()) + String.format(Locale.ROOT,
                            " (max heap %,d bytes, decode budget %,d bytes; other decodes may have been running)",
                            Runtime.getRuntime().maxMemory(), limits.maxBytes()), e);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (RuntimeException e) {
            // A reader that decoded a colour model Java2D cannot convert, or an I/O failure reading the file.
            throw new ImageDecodeException(name, "cannot convert the decoded image to RGB: " + describe(e), e);
        }
    }

    private static BufferedImage read(byte[] bytes, String name, DecodeLimits limits, int orientation,
            DecodeCost[] cost) {
        List<String> failures = new ArrayList<>();
        Throwable firstError = null;
        boolean anyReader = false;
        try (ImageInputStream probe = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            List<ImageReader> readers = preferJdkReaders(ImageIO.getImageReaders(probe));
            try {
                for (ImageReader reader : readers) {
                    anyReader = true;
                    try {
                        return readWith(reader, bytes, name, limits, orientation, cost);
                    } catch (ImageDecodeException e) {
                        throw e;
                    } catch (IOException | RuntimeException e) {
                        // Another registered reader for the same format may cope (TwelveMonkeys' JPEG reader takes
                        // the CMYK and YCCK files the JDK's refuses); report the first failure if none does.
                        failures.add(describe(e));
                        if (firstError == null) {
                            firstError = e;
                        }
                    }
                }
            } finally {
                // every reader was created up front (to order them), so every one is disposed: the JDK's holds
                // native memory until then
                readers.forEach(ImageReader::dispose);
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(name, "cannot read input: " + describe(e), e);
        }
        if (!anyReader) {
            throw new ImageDecodeException(name, "unknown or unsupported image format (first bytes "
                    + hex(bytes, 8) + ")");
        }
        throw new ImageDecodeException(name, "truncated or corrupt image data: " + failures.get(0), firstError);
    }

    /**
     * The readers for a format, the JDK's own first. For a baseline or progressive YCbCr JPEG the JDK's reader is the
     * faster one (about a quarter less CPU than TwelveMonkeys', which delegates to it and adds its own conversions); it
     * refuses what it cannot read (CMYK, YCCK, some broken files), and the next reader, TwelveMonkeys', takes those.
     */
    private static List<ImageReader> preferJdkReaders(Iterator<ImageReader> readers) {
        List<ImageReader> jdk = new ArrayList<>();
        List<ImageReader> others = new ArrayList<>();
        readers.forEachRemaining(r -> (r.getClass().getName().startsWith("com.sun.imageio.") ? jdk : others).add(r));
        jdk.addAll(others);
        return jdk;
    }

    private static BufferedImage readWith(ImageReader reader, byte[] bytes, String name, DecodeLimits limits,
            int orientation, DecodeCost[] cost) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if (w < 1 || h < 1) {
                throw new IOException("image declares size " + w + "x" + h);
            }
            long pixels = (long) w * h;
            if (pixels > limits.maxPixels()) {
                throw new ImageDecodeException(name, String.format(Locale.ROOT,
                        "image is %dx%d = %d pixels, above the limit of %d (DecodeLimits.maxPixels: "
                                + "MatterOptions.decodeLimits or system property %s)",
                        w, h, pixels, limits.maxPixels(), DecodeLimits.MAX_PIXELS_PROPERTY));
            }
            cost[0] = DecodeCost.of(reader, w, h, bytes, orientation);
            if (cost[0].peakBytes() > limits.maxBytes()) {
                throw new ImageDecodeException(name, String.format(Locale.ROOT,
                        "image is %s, above the decode budget of %,d bytes (DecodeLimits.maxBytes: "
                                + "MatterOptions.decodeLimits or system property %s); refused before decoding",
                        cost[0].describe(), limits.maxBytes(), DecodeLimits.MAX_BYTES_PROPERTY));
            }
            if (cost[0].jpegScans() > DecodeLimits.MAX_JPEG_SCANS) {
                throw new ImageDecodeException(name, String.format(Locale.ROOT,
                        "JPEG has %d scans, above the limit of %d (each scan of a progressive JPEG re-converts the "
                                + "whole %dx%d image); refused before decoding",
                        cost[0].jpegScans(), DecodeLimits.MAX_JPEG_SCANS, w, h));
            }
            List<String> fatal = new ArrayList<>();
            IIOReadWarningListener warnings = (source, warning) -> {
                // libjpeg only warns when data ends early and fills the rest with grey; that is a broken file.
                String lower = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncat")) {
                    fatal.add(warning);
                }
            };
            reader.addIIOReadWarningListener(warnings);
            BufferedImage image = reader.read(0, rgbDestination(reader, w, h));
            if (!fatal.isEmpty()) {
                throw new IOException(fatal.get(0));
            }
            return image;
        }
    }

    /**
     * For the JDK's JPEG reader on a colour JPEG it would decode as sRGB: read into an RGB-ordered sRGB raster rather
     * than its default BGR one. The reader hands over rows in RGB order, so they are copied whole instead of pixel by
     * pixel, and {@link #toRgb} takes the raster's array as it is instead of reordering it: two passes over every
     * pixel fewer. Anything else (grey, CMYK, an embedded profile the reader keeps, other readers) reads as before.
     */
    private static ImageReadParam rgbDestination(ImageReader reader, int w, int h) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        if (!reader.getClass().getName().equals("com.sun.imageio.plugins.jpeg.JPEGImageReader")
                || (long) w * h * 3 > Integer.MAX_VALUE - 8) {
            return param;
        }
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        ImageTypeSpecifier first = types.hasNext() ? types.next() : null;
        if (first == null || first.getBufferedImageType() != BufferedImage.TYPE_3BYTE_BGR
                || !first.getColorModel().getColorSpace().isCS_sRGB()) {
            return param;
        }
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 3 * w, 3,
                new int[] {0, 1, 2}, null);
        param.setDestination(new BufferedImage(cm, raster, false, null));
        return param;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 3; depth++, t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return sb.toString();
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }

    /** The EXIF orientation (1-8) of an encoded image, or 1 when it has none or its metadata cannot be read. */
    static int orientation(byte[] bytes) {
        return ExifOrientation.read(bytes);
    }

    /** 8-bit sRGB of any {@link BufferedImage}; common layouts are read straight from their raster. */
    /** {@code owned}: the image is this decoder's own, so its array may become the result's without a copy. */
    static RgbImage toRgb(BufferedImage img, String name, boolean owned) {
        int w = img.getWidth();
        int h = img.getHeight();
        if ((long) w * h * 3 > Integer.MAX_VALUE - 8) {
            throw new ImageDecodeException(name, "image " + w + "x" + h + " is too large to hold in memory");
        }
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        ColorSpace cs = cm.getColorSpace();
        if (owned && isPackedRgb(cm, raster, w, h)) {
            // already the pipeline's layout (see rgbDestination): the decoder's array is the image, no copy
            return new RgbImage(w, h, ((DataBufferByte) raster.getDataBuffer()).getData());
        }
        byte[] out = new byte[3 * w * h];
        if (cm instanceof ComponentColorModel && raster.getDataBuffer() instanceof DataBufferByte
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel
                && raster.getParent() == null && isPlainSpace(cs) && cm.getComponentSize(0) == 8) {
            interleavedBytes(img, out);
        } else if (cm instanceof DirectColorModel dcm && raster.getDataBuffer() instanceof DataBufferInt
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel && raster.getParent() == null
                && cs.isCS_sRGB() && dcm.getPixelSize() <= 32 && is8BitMasks(dcm)) {
            packedInts(img, dcm, out);
        } else if (cm instanceof IndexColorModel icm) {
            indexed(img, icm, out);
        } else if (cm instanceof ComponentColorModel && isPlainSpace(cs)) {
            components(img, out);
        } else {
            // Any other colour space (CMYK, ICC-profiled RGB, linear): let Java2D convert to sRGB, a row at a time.
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                int d = 3 * y * w;
                for (int x = 0; x < w; x++, d += 3) {
                    int p = row[x];
                    int a = p >>> 24;
                    putComposited(out, d, (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff, cm.hasAlpha() ? a : 255);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /**
     * sRGB, or grey taken as grey levels: Java calls the grey space linear, and converting through it brightens
     * every grey PNG and JPEG, but their samples are display values like any other.
     */
    private static boolean isPlainSpace(ColorSpace cs) {
        return cs.isCS_sRGB() || (cs.getType() == ColorSpace.TYPE_GRAY && cs.getNumComponents() == 1);
    }

    private static boolean is8BitMasks(DirectColorModel dcm) {
        for (int mask : new int[] {dcm.getRedMask(), dcm.getGreenMask(), dcm.getBlueMask()}) {
            if (Integer.bitCount(mask) != 8) {
                return false;
            }
        }
        return !dcm.hasAlpha() || Integer.bitCount(dcm.getAlphaMask()) == 8;
    }

    /** Composites a non-premultiplied colour over white, rounding. */
    private static void putComposited(byte[] out, int d, int r, int g, int b, int a) {
        if (a == 255) {
            out[d] = (byte) r;
            out[d + 1] = (byte) g;
            out[d + 2] = (byte) b;
        } else {
            int white = 255 * (255 - a) + 127;
            out[d] = (byte) ((r * a + white) / 255);
            out[d + 1] = (byte) ((g * a + white) / 255);
            out[d + 2] = (byte) ((b * a + white) / 255);
        }
    }

    /** Premultiplied colour over white is {@code c + (255 - a)}. */
    private static void putPremultiplied(byte[] out, int d, int r, int g, int b, int a) {
        int add = 255 - a;
        out[d] = (byte) Math.min(255, r + add);
        out[d + 1] = (byte) Math.min(255, g + add);
        out[d + 2] = (byte) Math.min(255, b + add);
    }

    /** TYPE_3BYTE_BGR, TYPE_4BYTE_ABGR, TYPE_BYTE_GRAY and any other byte-interleaved sRGB or grey layout. */
    /** Whether the raster is exactly {@code w x h} sRGB bytes in R, G, B order with no padding, alpha or offset. */
    private static boolean isPackedRgb(ColorModel cm, Raster raster, int w, int h) {
        return cm instanceof ComponentColorModel && !cm.hasAlpha() && cm.getNumComponents() == 3
                && cm.getColorSpace().isCS_sRGB() && cm.getComponentSize(0) == 8
                && raster.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1 && db.getOffset() == 0
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm && sm.getPixelStride() == 3
                && sm.getScanlineStride() == 3 * w && java.util.Arrays.equals(sm.getBandOffsets(), new int[] {0, 1, 2})
                && raster.getParent() == null && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0 && raster.getMinX() == 0 && raster.getMinY() == 0
                && db.getData().length == 3 * w * h;
    }

    private static void interleavedBytes(BufferedImage img, byte[] out) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) raster.getSampleModel();
        byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
        int[] offs = sm.getBandOffsets();
        int ps = sm.getPixelStride();
        int ss = sm.getScanlineStride();
        int base = ((DataBufferByte) raster.getDataBuffer()).getOffset()
                - raster.getSampleModelTranslateY() * ss - raster.getSampleModelTranslateX() * ps;
        boolean gray = cm.getNumColorComponents() == 1;
        boolean alpha = cm.hasAlpha();
        boolean pre = cm.isAlphaPremultiplied();
        int oR = offs[0];
        int oG = gray ? offs[0] : offs[1];
        int oB = gray ? offs[0] : offs[2];
        int oA = alpha ? offs[cm.getNumColorComponents()] : 0;
        for (int y = 0; y < h; y++) {
            int s = base + y * ss;
            int d = 3 * y * w;
            if (!alpha) {
                for (int x = 0; x < w; x++, s += ps, d += 3) {
                    out[d] = data[s + oR];
                    out[d + 1] = data[s + oG];
                    out[d + 2] = data[s + oB];
                }
            } else {
                for (int x = 0; x < w; x++, s += ps, d += 3) {
                    int a = data[s + oA] & 0xff;
                    int r = data[s + oR] & 0xff;
                    int g = data[s + oG] & 0xff;
                    int b = data[s + oB] & 0xff;
                    if (pre) {
                        putPremultiplied(out, d, r, g, b, a);
                    } else {
                        putComposited(out, d, r, g, b, a);
                    }
                }
            }
        }
    }

    /** TYPE_INT_RGB, TYPE_INT_ARGB(_PRE), TYPE_INT_BGR: one int per pixel with 8-bit masks. */
    private static void packedInts(BufferedImage img, DirectColorModel cm, byte[] out) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        SinglePixelPackedSampleModel sm = (SinglePixelPackedSampleModel) raster.getSampleModel();
        DataBufferInt db = (DataBufferInt) raster.getDataBuffer();
        int[] data = db.getData();
        int ss = sm.getScanlineStride();
        int base = db.getOffset() - raster.getSampleModelTranslateY() * ss - raster.getSampleModelTranslateX();
        int rs = Integer.numberOfTrailingZeros(cm.getRedMask());
        int gs = Integer.numberOfTrailingZeros(cm.getGreenMask());
        int bs = Integer.numberOfTrailingZeros(cm.getBlueMask());
        boolean alpha = cm.hasAlpha();
        int as = alpha ? Integer.numberOfTrailingZeros(cm.getAlphaMask()) : 0;
        boolean pre = cm.isAlphaPremultiplied();
        for (int y = 0; y < h; y++) {
            int s = base + y * ss;
            int d = 3 * y * w;
            for (int x = 0; x < w; x++, d += 3) {
                int p = data[s + x];
                int r = (p >>> rs) & 0xff;
                int g = (p >>> gs) & 0xff;
                int b = (p >>> bs) & 0xff;
                if (!alpha) {
                    out[d] = (byte) r;
                    out[d + 1] = (byte) g;
                    out[d + 2] = (byte) b;
                } else if (pre) {
                    putPremultiplied(out, d, r, g, b, (p >>> as) & 0xff);
                } else {
                    putComposited(out, d, r, g, b, (p >>> as) & 0xff);
                }
            }
        }
    }

    /** Palette images of 1 to 8 bits (packed or not), with or without transparent entries. */
    private static void indexed(BufferedImage img, IndexColorModel icm, byte[] out) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = icm.getMapSize();
        byte[] lut = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            putComposited(lut, 3 * i, icm.getRed(i), icm.getGreen(i), icm.getBlue(i), icm.getAlpha(i));
        }
        Raster raster = img.getRaster();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            int d = 3 * y * w;
            for (int x = 0; x < w; x++, d += 3) {
                int i = row[x] < n ? 3 * row[x] : 0;
                out[d] = lut[i];
                out[d + 1] = lut[i + 1];
                out[d + 2] = lut[i + 2];
            }
        }
    }

    /** sRGB or grey components of any depth (16-bit PNG, ushort grey, ...), scaled to 8 bits with rounding. */
    private static void components(BufferedImage img, byte[] out) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        int colors = cm.getNumColorComponents();
        boolean alpha = cm.hasAlpha();
        boolean pre = cm.isAlphaPremultiplied();
        boolean floating = raster.getTransferType() == DataBuffer.TYPE_FLOAT
                || raster.getTransferType() == DataBuffer.TYPE_DOUBLE;
        long[] max = new long[bands];
        for (int b = 0; b < bands; b++) {
            max[b] = floating ? 255 : (1L << cm.getComponentSize(b)) - 1;
        }
        int[] px = new int[w * bands];
        float[] fpx = floating ? new float[w * bands] : null;
        for (int y = 0; y < h; y++) {
            if (floating) {
                raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, fpx);
                for (int i = 0; i < px.length; i++) {
                    px[i] = Math.round(Math.max(0f, Math.min(1f, fpx[i])) * 255f);
                }
            } else {
                raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, px);
            }
            int d = 3 * y * w;
            for (int x = 0, s = 0; x < w; x++, s += bands, d += 3) {
                int r = to8(px[s], max[0]);
                int g = colors == 1 ? r : to8(px[s + 1], max[1]);
                int b = colors == 1 ? r : to8(px[s + 2], max[2]);
                int a = alpha ? to8(px[s + colors], max[colors]) : 255;
                if (pre && a < 255) {
                    putPremultiplied(out, d, r, g, b, a);
                } else {
                    putComposited(out, d, r, g, b, a);
                }
            }
        }
    }

    private static int to8(int v, long max) {
        if (max == 255) {
            return v & 0xff;
        }
        long x = (v & 0xffffffffL) * 255 + max / 2;
        return (int) Math.min(255, x / max);
    }
}
