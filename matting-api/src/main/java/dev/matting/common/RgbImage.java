package dev.matting.common;

import java.awt.image.BufferedImage;

/**
 * A decoded 8-bit RGB image, interleaved {@code r,g,b} per pixel, row-major. The array is handed over, not copied:
 * nobody changes it after construction.
 *
 * @param width  in pixels, at least 1
 * @param height in pixels, at least 1
 * @param rgb    {@code 3 * width * height} bytes: {@code r,g,b} per pixel, row-major
 */
public record RgbImage(int width, int height, byte[] rgb) {
    /**
     * Checks the size against the array.
     *
     * @throws IllegalArgumentException when a side is below 1 or {@code rgb} is not {@code 3 * width * height} bytes
     */
    public RgbImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image must be at least 1x1, got " + width + "x" + height);
        }
        if (rgb.length != 3 * width * height) {
            throw new IllegalArgumentException("rgb needs " + 3 * width * height + " bytes, got " + rgb.length);
        }
    }

    /** Packed {@code 0xRRGGBB} of one pixel. */
    public int rgbAt(int x, int y) {
        int i = 3 * (y * width + x);
        return (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
    }

    /** A {@link BufferedImage#TYPE_INT_RGB} copy. */
    public BufferedImage toBufferedImage() {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = rgbAt(x, y);
            }
            out.setRGB(0, y, width, 1, row, 0, width);
        }
        return out;
    }
}
