package dev.matting.api;

import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link Matte} is written as: the image (an RGBA cut-out, or a composite over the post-processing's
 * {@link dev.matting.postprocess.Background}) or the mask alone, encoded as PNG or JPEG. Immutable.
 *
 * <p>JPEG has no alpha channel, so a JPEG image is always a composite: over the background when it is a colour or an
 * image, over white when the background is transparent. A mask is 8-bit grey in either format (PNG keeps it exact).
 */
public final class Output {
    /** The default: PNG, RGBA cut-out (or RGB composite over a solid or image background). */
    private static final Output PNG = new Output(false, Format.PNG, 0.92f);

    private final boolean mask;
    private final Format format;
    private final float quality;

    /** The file formats outputs are encoded in. */
    public enum Format {
        /** Lossless, with alpha: the cut-out keeps its soft edge. */
        PNG("png"),
        /** Lossy, no alpha: composites over a background; much smaller files. */
        JPEG("jpg");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        /** The file extension outputs of this format get, without the dot. */
        public String extension() {
            return extension;
        }

        /** Parses {@code png}, {@code jpg} or {@code jpeg}, in any case. */
        public static Format parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "png" -> PNG;
                case "jpg", "jpeg" -> JPEG;
                default -> throw new IllegalArgumentException("format '" + text + "' is not png or jpg");
            };
        }
    }

    private Output(boolean mask, Format format, float quality) {
        this.mask = mask;
        this.format = Objects.requireNonNull(format, "format");
        if (!(quality > 0 && quality <= 1)) {
            throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + quality);
        }
        this.quality = quality;
    }

    /** PNG of the cut-out, or of the composite when the background is not transparent (the default). */
    public static Output png() {
        return PNG;
    }

    /** The alpha alone as an 8-bit grey PNG: white foreground on black. */
    public static Output mask() {
        return new Output(true, Format.PNG, PNG.quality);
    }

    /** JPEG of the composite over the background (white when it is transparent), quality 0.92. */
    public static Output jpeg() {
        return new Output(false, Format.JPEG, PNG.quality);
    }

    /** The same output in another format. */
    public Output withFormat(Format value) {
        return new Output(mask, value, quality);
    }

    /** The same output with another JPEG quality in (0, 1]; PNG ignores it. */
    public Output withQuality(float value) {
        return new Output(mask, format, value);
    }

    /** True when only the mask is written. */
    public boolean isMask() {
        return mask;
    }

    /** PNG or JPEG. */
    public Format format() {
        return format;
    }

    /** JPEG compression quality in (0, 1] (ImageIO's scale: 1 is best). */
    public float quality() {
        return quality;
    }

    /** The file extension of this output, without the dot: {@code png} or {@code jpg}. */
    public String extension() {
        return format.extension();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Output other && other.mask == mask && other.format == format && other.quality == quality;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mask, format, quality);
    }

    @Override
    public String toString() {
        return (mask ? "mask " : "image ") + format.extension() + (format == Format.JPEG ? " q" + quality : "");
    }
}
