package dev.matting.image;

import java.util.Locale;

/**
 * How large an encoded image may decode, checked from its header before any pixel memory is allocated: a count of
 * pixels, and a budget in bytes for what decoding that header really costs.
 *
 * <p>The pixel count alone misses byte bombs: a 777 KB 16-bit RGBA PNG of 10000 x 10000 is 100 megapixels, yet its
 * decoded raster takes 800 MB (8 bytes per pixel) and the 8-bit RGB copy another 300 MB. The byte budget counts,
 * for the reader that will decode the file, the bytes per pixel of the raster it allocates (bit depth, channels,
 * palette or packed), the coefficient buffers a progressive JPEG keeps in native memory, the 8-bit RGB image the SDK
 * keeps, and the rotated copy an EXIF orientation needs.
 *
 * <p>Defaults: 100 megapixels ({@value #MAX_PIXELS_PROPERTY}) and 768 MiB or half the maximum heap, whichever is
 * smaller ({@value #MAX_BYTES_PROPERTY}). 768 MiB admits a 100-megapixel 8-bit JPEG (about 600 MB) and refuses the
 * 16-bit 100-megapixel bomb above; half the heap keeps one decode from exhausting a small heap on its own. Several
 * images decode at once (one per CPU worker), so a heap far below {@code cpuThreads x budget} can still run out; such
 * an {@link OutOfMemoryError} during decoding is reported as an {@link dev.matting.common.ImageDecodeException} for
 * that input alone.
 *
 * @param maxPixels largest width x height an image may declare
 * @param maxBytes  largest peak memory, in bytes, one decode may need
 */
public record DecodeLimits(long maxPixels, long maxBytes) {
    /** System property holding the default largest pixel count (width x height) a decoded image may have. */
    public static final String MAX_PIXELS_PROPERTY = "dev.matting.maxPixels";
    /** System property holding the default decode budget in bytes. */
    public static final String MAX_BYTES_PROPERTY = "dev.matting.maxDecodeBytes";
    static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    static final long DEFAULT_MAX_BYTES = 768L << 20;
    /**
     * Most scans a JPEG may have. The JDK's JPEG reader converts the whole image to its raster after every scan of a
     * progressive file, so time grows with scans x pixels; encoders write about 10 (libjpeg's standard progression
     * for colour), and a file of thousands of tiny scans is a CPU bomb within any byte budget.
     */
    public static final int MAX_JPEG_SCANS = 100;

    /** Validates both limits. */
    public DecodeLimits {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        }
    }

    /**
     * The limits in force when none are given: the system properties {@value #MAX_PIXELS_PROPERTY} and
     * {@value #MAX_BYTES_PROPERTY} where set, else 100 megapixels and min(768 MiB, max heap / 2).
     *
     * @throws IllegalStateException when a property is set to something other than a positive number
     */
    public static DecodeLimits defaults() {
        long heapHalf = Runtime.getRuntime().maxMemory() == Long.MAX_VALUE ? Long.MAX_VALUE
                : Runtime.getRuntime().maxMemory() / 2;
        return new DecodeLimits(property(MAX_PIXELS_PROPERTY, DEFAULT_MAX_PIXELS),
                property(MAX_BYTES_PROPERTY, Math.min(DEFAULT_MAX_BYTES, heapHalf)));
    }

    /** These limits with another pixel count. */
    public DecodeLimits withMaxPixels(long pixels) {
        return new DecodeLimits(pixels, maxBytes);
    }

    /** These limits with another byte budget. */
    public DecodeLimits withMaxBytes(long bytes) {
        return new DecodeLimits(maxPixels, bytes);
    }

    private static long property(String key, long fallback) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 1) {
                throw new NumberFormatException("not positive");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("system property " + key + "='" + v + "' is not a positive number", e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DecodeLimits[maxPixels=%,d, maxBytes=%,d]", maxPixels, maxBytes);
    }
}
