package dev.matting.postprocess;

/** Softens an alpha plane's edges with a blur (TODO: helper A implements). */
final class Feather {
    private Feather() {
    }

    static byte[] apply(byte[] alpha, int width, int height, int radius) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
