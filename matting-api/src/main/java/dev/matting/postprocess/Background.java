package dev.matting.postprocess;

import java.awt.Color;
import java.util.Optional;

/** What shows behind the cut-out in rendered output: transparency, or a solid colour. */
public final class Background {
    private static final Background TRANSPARENT = new Background(null);
    private final Color color;

    private Background(Color color) {
        this.color = color;
    }

    public static Background transparent() {
        return TRANSPARENT;
    }

    public static Background solid(Color color) {
        return new Background(java.util.Objects.requireNonNull(color, "color"));
    }

    /** Parses {@code transparent}, {@code #RRGGBB} or {@code white}/{@code black}. */
    public static Background parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
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

    public boolean isTransparent() {
        return color == null;
    }

    public Optional<Color> color() {
        return Optional.ofNullable(color);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Background b && java.util.Objects.equals(b.color, color);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(color);
    }

    @Override
    public String toString() {
        return color == null ? "transparent" : String.format("#%06x", color.getRGB() & 0xffffff);
    }
}
