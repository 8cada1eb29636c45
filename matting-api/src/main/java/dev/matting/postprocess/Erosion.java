package dev.matting.postprocess;

/** Grey-scale erosion of an alpha plane (TODO: helper A implements). */
final class Erosion {
    private Erosion() {
    }

    static byte[] apply(byte[] alpha, int width, int height, int radius) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
