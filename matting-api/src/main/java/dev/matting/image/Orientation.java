package dev.matting.image;

import dev.matting.common.RgbImage;

/** Applies an EXIF orientation (1-8) so that the image reads upright, as viewers show it. */
final class Orientation {
    private Orientation() {
    }

    /**
     * The upright image. For each output pixel {@code (x, y)} the stored pixel it comes from follows the EXIF 2.3
     * definitions (e.g. 6: stored row 0 is the visual right side, so the image turns 90 degrees clockwise).
     */
    static RgbImage apply(RgbImage img, int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1-8, got " + orientation);
        }
        if (orientation == 1) {
            return img;
        }
        int w = img.width();
        int h = img.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] src = img.rgb();
        byte[] out = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            int d = 3 * y * ow;
            for (int x = 0; x < ow; x++, d += 3) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> {
                        sx = w - 1 - x;
                        sy = y;
                    }
                    case 3 -> {
                        sx = w - 1 - x;
                        sy = h - 1 - y;
                    }
                    case 4 -> {
                        sx = x;
                        sy = h - 1 - y;
                    }
                    case 5 -> {
                        sx = y;
                        sy = x;
                    }
                    case 6 -> {
                        sx = y;
                        sy = h - 1 - x;
                    }
                    case 7 -> {
                        sx = w - 1 - y;
                        sy = h - 1 - x;
                    }
                    default -> {
                        sx = w - 1 - y;
                        sy = x;
                    }
                }
                int s = 3 * (sy * w + sx);
                out[d] = src[s];
                out[d + 1] = src[s + 1];
                out[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(ow, oh, out);
    }
}
