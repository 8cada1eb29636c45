package dev.matting.image;

import java.io.IOException;
import java.io.OutputStream;

/** Fast PNG writer for grey, RGB and RGBA planes (TODO: helper A implements the parallel encoder). */
public final class PngEncoder {
    /** Pixel layouts the encoder writes. */
    public enum Layout { GRAY, RGB, RGBA }

    private PngEncoder() {
    }

    /** Writes {@code width x height} interleaved 8-bit samples in {@code layout} as one PNG. */
    public static void write(OutputStream out, int width, int height, byte[] samples, Layout layout) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
