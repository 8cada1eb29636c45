package dev.matting.postprocess;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What shows behind the cut-out in rendered output: transparency, a solid colour, or an image fitted to the
 * cut-out's size ({@link Fit#COVER} by default, so a backdrop of another aspect ratio is cropped, never stretched).
 * Immutable; an image backdrop keeps a reference to its image, which must not change afterwards.
 */
public final class Background {
    private static final Background TRANSPARENT = new Background(null, null, null);
    private final Color color;
    private final BufferedImage image;
    private final Fit fit;

    /** How an image backdrop of another size is fitted to the cut-out. */
    public enum Fit {
        /** Scaled to cover the whole cut-out, keeping its aspect ratio; the overflow is cropped evenly. */
        COVER,
        /** Scaled to fit inside the cut-out, keeping its aspect ratio; the bars show the fill colour. */
        CONTAIN,
        /** Scaled to the cut-out's size exactly, whatever its aspect ratio. */
        STRETCH;

        /** Parses {@code cover}, {@code contain} or {@code stretch}, in any case. */
        public static Fit parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fit '" + text + "' is not cover, contain or stretch", e);
            }
        }
    }

    private Background(Color color, BufferedImage image, Fit fit) {
        this.color = color;
        this.image = image;
        this.fit = fit;
    }

    /** Nothing behind the cut-out: RGBA output. */
    public static Background transparent() {
        return TRANSPARENT;
    }

    /** One colour behind the cut-out. */
    public static Background solid(Color color) {
        return new Background(Objects.requireNonNull(color, "color"), null, null);
    }

    /** An image backdrop with the given fit; {@link Fit#CONTAIN}'s bars are white. */
    public static Background image(BufferedImage image, Fit fit) {
        return image(image, fit, Color.WHITE);
    }

    /** An image backdrop with the given fit; {@code fill} shows where {@link Fit#CONTAIN} leaves bars. */
    public static Background image(BufferedImage image, Fit fit, Color fill) {
        Objects.requireNonNull(image, "image");
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new IllegalArgumentException("a backdrop image needs at least one pixel");
        }
        return new Background(Objects.requireNonNull(fill, "fill"), image, Objects.requireNonNull(fit, "fit"));
    }

    /** Parses {@code transparent}, {@code #RRGGBB} or {@code white}/{@code black}. */
    public static Background parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "transparent", "none" -> {
                return TRANSPARENT;
            }
            case "white" -> {
                return solid(Color.WHITE);
            }
            case "black" -> {
                return solid(Color.BLACK);
            }
            default -> {
                if (t.matches("#[0-9a-f]{6}")) {
                    return solid(new Color(Integer.parseInt(t.substring(1), 16)));
                }
                throw new IllegalArgumentException("background '" + text + "' is not transparent, white, black or #RRGGBB");
            }
        }
    }

    /** True when nothing is behind the cut-out. */
    public boolean isTransparent() {
        return color == null;
    }

    /** The solid colour; empty when transparent or an image. */
    public Optional<Color> color() {
        return image == null ? Optional.ofNullable(color) : Optional.empty();
    }

    /** The backdrop image; empty unless this is an image background. */
    public Optional<BufferedImage> image() {
        return Optional.ofNullable(image);
    }

    /** How the backdrop image is fitted; empty unless this is an image background. */
    public Optional<Fit> fit() {
        return Optional.ofNullable(fit);
    }

    /**
     * The backdrop as {@code width x height} packed RGB pixels (row-major, {@code 0xRRGGBB}): the colour everywhere,
     * or the image fitted with bilinear scaling. A transparent background has no pixels.
     *
     * @throws IllegalStateException when transparent
     */
    public int[] pixels(int width, int height) {
        if (color == null) {
            throw new IllegalStateException("a transparent background has no pixels");
        }
        int[] out = new int[width * height];
        java.util.Arrays.fill(out, color.getRGB() & 0xffffff);
        if (image == null) {
            return out;
        }
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(color);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            int[] r = placement(image.getWidth(), image.getHeight(), width, height, fit);
            g.drawImage(image, r[0], r[1], r[2], r[3], null);
        } finally {
            g.dispose();
        }
        return canvas.getRGB(0, 0, width, height, out, 0, width);
    }

    /**
     * Where a {@code bw x bh} backdrop lands on a {@code w x h} canvas: {@code {x, y, width, height}}, centred;
     * for {@link Fit#COVER} it may start left of or above the canvas (the overflow is cropped).
     */
    static int[] placement(int bw, int bh, int w, int h, Fit fit) {
        if (fit == Fit.STRETCH) {
            return new int[] {0, 0, w, h};
        }
        double sx = (double) w / bw;
        double sy = (double) h / bh;
        double s = fit == Fit.COVER ? Math.max(sx, sy) : Math.min(sx, sy);
        int dw = Math.max(1, (int) Math.round(bw * s));
        int dh = Math.max(1, (int) Math.round(bh * s));
        if (fit == Fit.COVER) {
            dw = Math.max(dw, w);
            dh = Math.max(dh, h);
        } else {
            dw = Math.min(dw, w);
            dh = Math.min(dh, h);
        }
        return new int[] {(w - dw) / 2, (h - dh) / 2, dw, dh};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Background b && Objects.equals(b.color, color) && b.image == image && b.fit == fit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(color, System.identityHashCode(image), fit);
    }

    @Override
    public String toString() {
        if (color == null) {
            return "transparent";
        }
        String hex = String.format("#%06x", color.getRGB() & 0xffffff);
        return image == null ? hex : "image " + image.getWidth() + "x" + image.getHeight() + " (" + fit.name()
                .toLowerCase(Locale.ROOT) + ", fill " + hex + ")";
    }
}
