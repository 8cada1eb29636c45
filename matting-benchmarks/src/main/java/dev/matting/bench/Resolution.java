package dev.matting.bench;

import dev.matting.model.InputPolicy;

/** A benchmark input size: {@code 512} (square) or {@code 1920x1080}; the model runs at it, padded to a multiple of 32. */
public record Resolution(int width, int height) {
    public Resolution {
        if (width < 16 || height < 16) {
            throw new IllegalArgumentException("resolution must be at least 16x16, got " + width + "x" + height);
        }
    }

    public static Resolution parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            int x = t.indexOf('x');
            if (x < 0) {
                int s = Integer.parseInt(t);
                return new Resolution(s, s);
            }
            return new Resolution(Integer.parseInt(t.substring(0, x)), Integer.parseInt(t.substring(x + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("resolution '" + text + "' is not N or WxH (e.g. 1024, 1920x1080)");
        }
    }

    /** The policy that makes the model see this resolution (longest side kept, padded to the model's multiple). */
    public InputPolicy policy() {
        return new InputPolicy.LongestSide(Math.max(width, height), 32);
    }

    /** Height and width of the padded model input this resolution becomes. */
    public int paddedWidth() {
        return roundUp(width);
    }

    public int paddedHeight() {
        return roundUp(height);
    }

    private static int roundUp(int v) {
        return (v + 31) / 32 * 32;
    }

    @Override
    public String toString() {
        return width == height ? Integer.toString(width) : width + "x" + height;
    }
}
